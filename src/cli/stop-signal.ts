/** Resolves at Ctrl-C (SIGINT) or SIGTERM: how `dev` and `build --watch` stop (then cleanly, with exit code 0). */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
