# Inbox in a container: `docker build -t inbox .`, then
#   docker run -p 3000:3000 -v inbox-data:/data -e API_TOKEN=<16+ characters> inbox
# With no DATABASE_URL it runs the embedded PostgreSQL, its data in the /data volume (seeded on the first start,
# which takes a few minutes at full size; SEED_CONTACTS/SEED_MESSAGES make it smaller). `npm start` is PID 1's
# child the way docker runs CMD: `docker stop` sends SIGTERM, which drains requests and stops PostgreSQL.
FROM node:24-bookworm-slim

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY tsconfig.json ./

# Not root: PostgreSQL does not run as root (the server would create a `postgres` user for it); the image has `node`.
RUN mkdir -p /data && chown node:node /data
USER node
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PG_DATA_DIR=/data/pg
VOLUME /data
EXPOSE 3000
# Docker waits 10 s before SIGKILL by default; a drain takes at most 10 s: `docker stop -t 30` leaves room.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=600s CMD node -e "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npm", "start"]
