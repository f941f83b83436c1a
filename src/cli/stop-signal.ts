/** Resolves at Ctrl-C (SIGINT) or SIGTERM, or when `orWhen` resolves: how `dev` and `build --watch` stop (cleanly: a build under way finishes). */
export function untilStopped(orWhen?: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    // Or when the caller stops by itself: the signals are then the default's again.
    void orWhen?.then(stop);
  });
}
