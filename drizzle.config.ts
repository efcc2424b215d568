import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/main/core/schema.ts',
  out: './drizzle',
});
