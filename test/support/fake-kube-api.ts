// Just enough of a Kubernetes API server for `kubectl apply --dry-run=client`: kubectl still asks the server which
// kinds exist (discovery) and whether the object is already there, even when it sends nothing. The Secret does not
// exist, so kubectl decodes the manifest, maps its kind and prints what it would create. No cluster runs here.
import * as http from 'node:http';

export interface FakeKubeApi {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'http://kube').pathname;
    const notFound = (what: string): void =>
      send(404, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
        message: `${what} not found`,
      });
    if (path === '/version')
      return send(200, { major: '1', minor: '30', gitVersion: 'v1.30.0-fake', platform: 'linux/amd64' });
    if (path === '/api')
      return send(200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
      });
    if (path === '/apis') return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (path === '/api/v1') {
      return send(200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          {
            name: 'secrets',
            singularName: 'secret',
            namespaced: true,
            kind: 'Secret',
            verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
          },
        ],
      });
    }
    if (/^\/api\/v1\/namespaces\/[^/]+\/secrets\/[^/]+$/.test(path)) return notFound('secrets');
    notFound(path);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
