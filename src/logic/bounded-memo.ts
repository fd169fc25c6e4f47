/**
 * Stores `value` under `key` and returns it. A memo that has reached `limit` entries is emptied
 * first, so memory stays bounded whatever the inputs: the memos of src/logic (unit strings,
 * medication texts, formatted numbers) are keyed by what EHRs send.
 */
export function remember<K, V>(memo: Map<K, V>, limit: number, key: K, value: V): V {
  if (memo.size >= limit) memo.clear();
  memo.set(key, value);
  return value;
}
