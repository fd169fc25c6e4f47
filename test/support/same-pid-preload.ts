/**
 * Preloaded with `node --import tsx --import ./test/support/same-pid-preload.ts`: this process
 * reports the pid given in SAME_PID, as two services in two containers are both pid 1. Nothing
 * else about the process changes.
 */
const pid = Number(process.env.SAME_PID);
if (Number.isInteger(pid) && pid > 0) Object.defineProperty(process, 'pid', { value: pid });

export {};
