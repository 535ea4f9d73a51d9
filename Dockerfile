# ftr-bot: the Slack app, scheduler and alert consumer (`ftr serve`), for ECS or any container runtime.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt one can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm install --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
COPY bin ./bin
COPY reference ./reference
COPY runbooks ./runbooks
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# node directly, not npm: SIGTERM from ECS must reach the process, which drains and exits within ECS's 30 s.
CMD ["node", "bin/ftr.js", "serve"]
