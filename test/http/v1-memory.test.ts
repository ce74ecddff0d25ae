import { workerFetch } from "../support/http";
import { describeV1Api } from "./v1-suite";

describeV1Api("memory", async () => workerFetch);
