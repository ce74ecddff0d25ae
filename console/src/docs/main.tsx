import { render } from "preact";
import "../styles/docs.css";
import { DocsApp } from "./app";

const root = document.getElementById("docs");
if (root !== null) {
  root.textContent = "";
  render(<DocsApp />, root);
}
