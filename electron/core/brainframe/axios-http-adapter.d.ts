// axios publishes its Node http adapter as an entry point of its own (package.json "exports")
// but ships no types for it: it takes a request's whole config, as axios would hand it over.
declare module 'axios/lib/adapters/http.js' {
  import type { AxiosRequestConfig, AxiosResponse } from 'axios';

  const httpAdapter: (config: AxiosRequestConfig) => Promise<AxiosResponse>;
  export default httpAdapter;
}
