import { defineConfig } from "vite";

// Top-level await in main.ts (the mocks start before the page loads anything).
export default defineConfig({ build: { target: "es2022" } });
