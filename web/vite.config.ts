import { defineConfig, type UserConfig } from 'vite';
import react from '@vitejs/plugin-react';

// This file is type-checked with the browser settings of web/tsconfig.json (no Node types): declare what it uses.
declare const process: { env: Record<string, string | undefined> };

/** The web UI: built into web/dist, which the server serves (with an index.html fallback for client routes). */
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

const config: UserConfig = {
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    sourcemap: false,
    rollupOptions: {
      output: {
        // Libraries change less often than the app: separate files, cached across releases.
        manualChunks(id: string) {
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          if (/node_modules\/(antd|@ant-design|rc-[^/]+|@rc-component)\//.test(id)) return 'antd';
          return 'vendor';
        },
      },
    },
  },
  server: {
    port: 5173,
    // `npm run dev` serves the API on :3000; the dev UI forwards /api there.
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
};

export default defineConfig(({ command }) => {
  // A build is a production build even when started from a test runner that set NODE_ENV=test.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return config;
});
