# One image per service: docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=deals .
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
USER node
CMD ["sh", "-c", "exec node --enable-source-maps services/${SERVICE}/dist/main.js"]
