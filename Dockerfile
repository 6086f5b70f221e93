# secrets-bridge container image: Node 24 LTS, production dependencies only, non-root, no shell at run time.
# Build: docker build -t secrets-bridge .   Run as in deploy/ (read-only root filesystem; /tmp is an emptyDir).

# --- build: compile TypeScript, then drop dev dependencies ------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `node` devDependency's installer is not needed here (the image has Node 24).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY providers ./providers
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts

# --- run: distroless Node 24, uid 65532 -----------------------------------------------------------------
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 65532:65532
EXPOSE 8080
# The entrypoint is the whole program, so Kubernetes `args` (which replace only CMD) are the CLI's arguments,
# as the chart and the kustomize base give them. V8 flags, measured in docs/benchmarks.md at 10,000
# ExternalSecrets: --max-semi-space-size=16 (V8 sizes its young generation from the machine's memory, up to
# 64 MiB x 2 on a large node) and --optimize-for-size (slower heap growth): RSS 945 -> 237 MiB, for about
# 1 CPU-second more per 60 s refresh cycle.
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=16", "--optimize-for-size", "dist/src/cli.js"]
CMD ["run"]
