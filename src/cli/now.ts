/** The build's clock: SOURCE_DATE_EPOCH (seconds) when set, for reproducible builds; else the real time. */
export function resolveNow(env: NodeJS.ProcessEnv): number {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  if (epoch !== undefined && /^\d+$/.test(epoch)) return Number(epoch) * 1000;
  return Date.now();
}
