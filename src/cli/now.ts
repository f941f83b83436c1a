/** The build's clock: SOURCE_DATE_EPOCH (seconds) when set, for reproducible builds; else the real time. */
export function resolveNow(env: NodeJS.ProcessEnv): number {
  return fixedNow(env) ?? Date.now();
}

/** SOURCE_DATE_EPOCH as an instant, when it is set to a number of seconds. */
export function fixedNow(env: NodeJS.ProcessEnv): number | undefined {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  return epoch !== undefined && /^\d+$/.test(epoch) ? Number(epoch) * 1000 : undefined;
}
