import { defineConfig } from "vitest/config";

export default defineConfig({
  root: ".",
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2021", sourcemap: false },
  test: { environment: "jsdom", include: ["tests/**/*.test.ts"] },
});
