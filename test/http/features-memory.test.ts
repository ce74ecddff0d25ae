import { appFetch } from "../support/http";
import { describeFeatures } from "./features-suite";

describeFeatures("memory", async (settings = {}) => appFetch(settings));
