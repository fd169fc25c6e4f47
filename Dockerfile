# syntax=docker/dockerfile:1
# ln-cds-hooks container: build with dev dependencies, run with production dependencies only.
#   docker build -t ln-cds-hooks .
#   docker run -p 3000:3000 -v ln-cds-data:/app/data \
#     -v /etc/ln-cds/clients.json:/config/clients.json:ro -e CDS_CLIENTS_FILE=/config/clients.json \
#     -e CDS_PUBLIC_URL=https://cds.example.org ln-cds-hooks
# See docs/deploy.md (configuration, several replicas with PostgreSQL, health checks, metrics).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# npm run build is scripts/build-when-stale.js --always (tsc, then the build stamp).
COPY scripts/build-when-stale.js ./scripts/
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    CDS_DATA_DIR=/app/data/pglite
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional: fhirclient's isomorphic-webcrypto lists React Native and Expo as optional
# dependencies (~360 MB); the service only serves fhirclient's prebuilt browser bundle, which needs
# none of them. The only other optional runtime package is pg-cloudflare (Cloudflare Workers only).
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
# dist/ also holds the empty PGlite cluster a new embedded store is copied from (the build makes it).
COPY --from=build /app/dist ./dist
# Discovery document, read at start-up from the directory above dist/.
COPY cds-services.json ./
# The quality console's page (GET /admin/), served with uPlot from node_modules.
COPY console ./console
# The timeline SMART app's page (GET /app/), served with fhirclient and uPlot from node_modules.
COPY app ./app
# The embedded store (PGlite) lives here when DATABASE_URL is not set; mount a volume to keep it.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 3000
# Liveness only (/healthz); orchestrators should also probe /readyz before routing traffic.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (not npm) as PID 1: SIGTERM reaches the service, which drains and closes the store.
CMD ["node", "dist/server.js"]
