# syntax=docker/dockerfile:1
# Marginalia: build with `docker build -t marginalia .`, run with `docker compose up` (see compose.yaml).

# ---- deps: production node_modules only. sqlite3 is a native module: its install
# script fetches a prebuilt binary, or compiles one with python3/make/g++ when none fits.
FROM node:20-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- build: the full dependency tree (typescript is a dev dependency), then tsc into dist/.
# Install scripts are skipped here: tsc needs no native module, and this stage's
# node_modules never reaches the runtime image.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig*.json ./
COPY src ./src
COPY corpus ./corpus
RUN npm run build

# ---- runtime: slim image, no compilers, runs as the non-root `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Code and modules stay owned by root (read-only to the bot); only data/ is writable.
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY corpus ./corpus
# The SQLite store (data/marginalia.sqlite) and the corpus cache (data/cache: parsed corpus, paragraph texts, search index)
# live here, relative to WORKDIR. A new named volume copies this owner from the image.
RUN mkdir -p /app/data/cache && chown -R node:node /app/data
VOLUME /app/data
USER node
# HEALTH_PORT serves /healthz and /metrics when set (compose.yaml sets 9100).
EXPOSE 9100
# node itself does the HTTP GET (slim images have no curl). Without HEALTH_PORT
# there is nothing to ask, and the check passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const p=process.env.HEALTH_PORT;if(!p)process.exit(0);require('node:http').get({host:'127.0.0.1',port:Number(p),path:'/healthz',timeout:4000},(r)=>{r.resume();process.exit(r.statusCode===200?0:1)}).on('timeout',()=>process.exit(1)).on('error',()=>process.exit(1))"]
# Not `npm start`: its prestart hook runs a build, which needs dev dependencies.
CMD ["node", "dist/index.js"]
