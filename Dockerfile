# The cutroom image: one build for the API (`cutroom serve --no-worker`) and the workers (`cutroom worker`).
# docker-compose.yml runs both on the same Redis, MongoDB, Neo4j and MinIO.
FROM node:20-slim

# ffmpeg renders, probes and checks clips; espeak-ng is the local voice; DejaVu fonts draw captions.
# python3, make and g++ build better-sqlite3 when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg espeak-ng fonts-dejavu-core python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
# The static ffprobe npm installs is made executable for its owner (root) only: the node user runs it too.
RUN npm ci && chmod -R a+rX node_modules/@ffprobe-installer
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build && npm prune --omit=dev

ENV NODE_ENV=production CUTROOM_DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000 9464
ENTRYPOINT ["node", "bin/cutroom.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "3000"]
