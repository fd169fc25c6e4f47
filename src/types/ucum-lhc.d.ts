/**
 * Minimal typing of @lhncbc/ucum-lhc 7.x (the package ships none), limited to what src/logic/dose/units.ts
 * uses. API: node_modules/@lhncbc/ucum-lhc/source-cjs/ucumLhcUtils.js (convertUnitTo, getInstance).
 */
declare module '@lhncbc/ucum-lhc' {
  export interface UcumConvertOptions {
    suggest?: boolean;
    /** g/mol; required for mass ↔ mole conversions. */
    molecularWeight?: number;
    charge?: number;
  }

  export interface UcumConvertResult {
    status: 'succeeded' | 'failed' | 'error';
    toVal: number | null;
    msg: string[];
  }

  export class UcumLhcUtils {
    static getInstance(): UcumLhcUtils;
    convertUnitTo(
      fromUnitCode: string,
      fromVal: number,
      toUnitCode: string,
      options?: UcumConvertOptions,
    ): UcumConvertResult;
  }
}
