// Just enough of a Kubernetes API server for the docs' kubectl commands to run as written: `kubectl apply -f -` of
// a Secret (created, then patched on the next apply) and `kubectl create job --from=cronjob/NAME` (the CronJob is
// one the test puts there). Everything kubectl sends is kept, so a test judges what reached "the cluster"; a
// protobuf body (kubectl create's) is kept as text under the name from-protobuf.
import * as http from 'node:http';
import { writeFileSync } from 'node:fs';

export interface FakeKubeCluster {
  url: string;
  requests: { method: string; path: string; body: string }[];
  /** Objects by "namespace/resource/name" (resource plural: secrets, cronjobs, jobs). */
  objects: Map<string, Record<string, unknown>>;
  /** A kubeconfig at path that points kubectl here. */
  writeKubeconfig(path: string): void;
  close(): Promise<void>;
}

const RESOURCES: Record<string, { group: string; kind: string }> = {
  secrets: { group: '', kind: 'Secret' },
  cronjobs: { group: 'batch', kind: 'CronJob' },
  jobs: { group: 'batch', kind: 'Job' },
};

export async function startFakeKubeCluster(): Promise<FakeKubeCluster> {
  const requests: FakeKubeCluster['requests'] = [];
  const objects = new Map<string, Record<string, unknown>>();
  const list = (group: string, groupVersion: string) => ({
    kind: 'APIResourceList',
    groupVersion,
    resources: Object.entries(RESOURCES)
      .filter(([, r]) => r.group === group)
      .map(([name, r]) => ({
        name,
        singularName: r.kind.toLowerCase(),
        namespaced: true,
        kind: r.kind,
        verbs: ['create', 'get', 'list', 'patch', 'update'],
      })),
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://kube').pathname;
      requests.push({ method: req.method ?? '', path, body });
      const send = (status: number, answer: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      };
      const notFound = (): void =>
        send(404, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: `${path} not found`,
        });
      if (path === '/version')
        return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.0-fake', platform: 'linux/amd64' });
      if (path === '/api')
        return send(200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
        });
      if (path === '/apis')
        return send(200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [
            {
              name: 'batch',
              versions: [{ groupVersion: 'batch/v1', version: 'v1' }],
              preferredVersion: { groupVersion: 'batch/v1', version: 'v1' },
            },
          ],
        });
      if (path === '/api/v1') return send(200, list('', 'v1'));
      // kubectl validates an apply on the server when the server's OpenAPI v3 says it takes fieldValidation.
      if (path === '/openapi/v3')
        return send(200, {
          paths: {
            'api/v1': { serverRelativeURL: '/openapi/v3/api/v1' },
            'apis/batch/v1': { serverRelativeURL: '/openapi/v3/apis/batch/v1' },
          },
        });
      if (path.startsWith('/openapi/v3/')) {
        const base = path === '/openapi/v3/api/v1' ? '/api/v1' : '/apis/batch/v1';
        const op = (r: { group: string; kind: string }) => ({
          'x-kubernetes-group-version-kind': { group: r.group, version: 'v1', kind: r.kind },
          parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
          responses: {},
        });
        const paths = Object.fromEntries(
          Object.entries(RESOURCES)
            .filter(([, r]) => (r.group === '') === (base === '/api/v1'))
            .flatMap(([name, r]) => [
              [`${base}/namespaces/{namespace}/${name}`, { post: op(r) }],
              [`${base}/namespaces/{namespace}/${name}/{name}`, { patch: op(r), put: op(r) }],
            ]),
        );
        return send(200, {
          openapi: '3.0.0',
          info: { title: 'fake', version: 'v1' },
          paths,
          components: { schemas: {} },
        });
      }
      if (path === '/apis/batch/v1') return send(200, list('batch', 'batch/v1'));
      const m = /^\/(?:api\/v1|apis\/batch\/v1)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(path);
      if (!m || !RESOURCES[m[2]]) return notFound();
      const [, namespace, resource, name] = m;
      if (req.method === 'GET' && name) {
        const found = objects.get(`${namespace}/${resource}/${name}`);
        return found ? send(200, found) : notFound();
      }
      if (req.method === 'POST' && !name) {
        if (!(req.headers['content-type'] ?? '').includes('json')) {
          // kubectl create sends built-in kinds as protobuf: kept as bytes (its strings stay readable), answered in JSON.
          const object = {
            apiVersion: RESOURCES[resource].group ? 'batch/v1' : 'v1',
            kind: RESOURCES[resource].kind,
            metadata: { name: 'from-protobuf', namespace },
            protobuf: body,
          };
          objects.set(`${namespace}/${resource}/from-protobuf`, object);
          return send(201, object);
        }
        const object = JSON.parse(body) as { metadata: { name: string; namespace?: string } };
        object.metadata.namespace ??= namespace;
        objects.set(`${namespace}/${resource}/${object.metadata.name}`, object);
        return send(201, object);
      }
      if (req.method === 'PATCH' && name && objects.has(`${namespace}/${resource}/${name}`)) {
        // kubectl's three-way merge patch; the test judges the request body, the object stays.
        return send(200, objects.get(`${namespace}/${resource}/${name}`));
      }
      notFound();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    objects,
    writeKubeconfig(path: string): void {
      writeFileSync(
        path,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'fake', cluster: { server: url } }],
          users: [{ name: 'fake', user: {} }],
          contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
          'current-context': 'fake',
        }),
      );
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}
