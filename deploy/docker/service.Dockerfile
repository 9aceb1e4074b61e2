# One image per service: docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=deals .
# Built as `npm run demo` builds (nx build of the service and the libraries it uses) and run as it runs
# (node services/<service>/dist/main.js from /app, where the default catalog and tax table paths resolve).
# It runs as uid 1000 (node) and writes nothing to its filesystem (logs are JSON on stdout), so it runs
# with a read-only root filesystem (compose `read_only`, Kubernetes `readOnlyRootFilesystem`).
# What the build context leaves out: service.Dockerfile.dockerignore beside this file (never .env).
FROM node:24-bookworm-slim AS build
ARG SERVICE
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
 && NX_DAEMON=false NX_NO_CLOUD=true npx nx run "${SERVICE}:build" --output-style=static \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ARG SERVICE
ENV NODE_ENV=production SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY --from=build /app/services/${SERVICE} ./services/${SERVICE}
COPY --from=build /app/deploy/catalog ./deploy/catalog
COPY --from=build /app/deploy/tax ./deploy/tax
# Numeric, so that Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 3001 3002 3003 3004
CMD ["sh", "-c", "exec node --max-semi-space-size=8 services/${SERVICE}/dist/main.js"]
