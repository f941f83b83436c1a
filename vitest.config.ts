import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Builds write to temp folders; a whole-site test may take a few seconds on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { TZ: "UTC", LANG: "C.UTF-8" },
  },
});
