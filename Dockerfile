# ftr-bot: the Slack app, scheduler and alert consumer (`ftr serve`), for ECS or any container runtime.
# Node 24 (LTS), pinned to one release so that a rebuild gets the same runtime; both stages use the same one.
FROM node:24.21.0-trixie-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt one can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm ci installs exactly the lock file (and refuses one that disagrees with package.json). Scripts are
# skipped because the sources are not here yet (prepare builds them): only better-sqlite3's native
# build is needed. This layer is reused until the lock file changes.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24.21.0-trixie-slim
ENV NODE_ENV=production AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# Nothing is written outside the volumes below, so the root file system can be read-only
# (docker run --read-only; ECS readonlyRootFilesystem). HOME and TMPDIR point at /tmp, a volume too,
# in case a library wants scratch space.
ENV HOME=/tmp TMPDIR=/tmp
WORKDIR /app
# The application files stay owned by root: the process (user node) can read them, not change them.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
COPY bin ./bin
COPY reference ./reference
COPY runbooks ./runbooks
# State: the default SQLite store lives in /app/data (or DynamoDB through STORE_URL). /app/config
# takes the FTR_CONFIG file (deploy/ftr-bot.yaml writes it there from a parameter). Declared as
# volumes so that a new volume (Docker's, or an ECS task's) starts with the directory's owner and
# mode: node's for these two, everyone's (1777) for /tmp.
RUN mkdir -p /app/data /app/config && chown node:node /app/data /app/config
VOLUME ["/app/data", "/app/config", "/tmp"]
USER node
EXPOSE 3000
# The slim image has no curl or wget: node asks GET /healthz on PORT (served in Socket Mode too).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node directly, not npm: SIGTERM from ECS must reach the process, which drains and exits within ECS's 30 s.
CMD ["node", "bin/ftr.js", "serve"]
