# syntax=docker/dockerfile:1
# One image for all seven services; SERVICE picks which one runs:
#   docker build --build-arg SERVICE=ingestion -t reclaim-ingestion .
#   docker run -e SERVICE=scheduler ... reclaim            (the env var wins at run time)
# docker-compose.yml builds it once per service with the right SERVICE.

ARG NODE_VERSION=24.21.0

# --- dependencies (dev included: the build needs swc) ---------------------------------------
FROM node:${NODE_VERSION}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies' install scripts stay denied (package.json "allowScripts"); none is needed.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --loglevel=error

# --- build: TypeScript -> CommonJS with swc (dist/apps/<service>/src/main.js) ---------------
FROM deps AS build
COPY tsconfig.base.json tsconfig.json .swcrc ./
COPY libs ./libs
COPY apps ./apps
RUN node_modules/.bin/swc apps libs --extensions .ts -d dist --config-file .swcrc -q \
 && test -f dist/apps/ingestion/src/main.js

# --- production dependencies only -----------------------------------------------------------
FROM node:${NODE_VERSION}-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- runtime ----------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-slim AS runtime
ARG SERVICE=ingestion
ENV NODE_ENV=production \
    SERVICE=${SERVICE}
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# Every service serves GET /health on <SERVICE>_PORT (ingestion 3000 ... attribution 3006).
# node:slim has no curl: ask with Node's fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const d={ingestion:3000,segmentation:3001,scheduler:3002,email:3003,sms:3004,push:3005,attribution:3006},s=process.env.SERVICE,p=process.env[s.toUpperCase()+'_PORT']||d[s];fetch('http://127.0.0.1:'+p+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec: Node is PID 1 and receives SIGTERM itself (Nest shutdown hooks drain consumers).
CMD ["sh", "-c", "exec node \"dist/apps/${SERVICE:?set SERVICE to one of ingestion, segmentation, scheduler, email, sms, push, attribution}/src/main.js\""]
