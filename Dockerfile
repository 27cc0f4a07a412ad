# cbs-idp, as it runs in production. deploy/verify-image-steps.sh performs these
# same steps on a plain machine (CI builds no images), so keep each instruction
# on one line and to the instructions that script knows.
FROM node:24-slim

ENV NODE_ENV=production PORT=3000 METRICS_PORT=9464 DATA_DIR=/app/data

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters
COPY views ./views
COPY locales ./locales
COPY public ./public
RUN mkdir -p /app/data && chown node:node /app/data

# The base image's unprivileged user; nothing under /app but data/ is writable to it.
USER node
EXPOSE 3000 9464
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"
# bin/service-node sets glibc's malloc settings (as `npm start` does), then execs node: node stays PID 1.
CMD ["bin/service-node", "src/main.ts"]
