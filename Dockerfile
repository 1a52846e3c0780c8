# The app on Node 24. Node runs the TypeScript sources directly (type stripping): no build step,
# only the runtime dependencies are installed. The image always has DATABASE_URL, so the optional
# embedded PostgreSQL (and the optional extras of pg and handlebars) are left out.
FROM node:24-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional && npm cache clean --force

COPY src ./src
COPY views ./views
COPY static ./static
COPY migrations ./migrations

RUN mkdir -p /app/data && chown node:node /app/data
USER node

ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/data
# Memory (README, Attachments): a young generation of 2 × 8 MB, not Node 24's up to 2 × 64 MB;
# glibc gives buffers of 128 KB and more back to the system at once instead of keeping them.
ENV NODE_OPTIONS=--max-semi-space-size=8 MALLOC_MMAP_THRESHOLD_=131072
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:3000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

# node itself is PID 1 and handles SIGTERM: graceful shutdown.
CMD ["node", "src/server.ts"]
