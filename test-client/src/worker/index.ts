import { createClientApp } from "./app";

export default createClientApp();
