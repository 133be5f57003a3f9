import { App } from "./features/shell/app";

const root = document.getElementById("app");
if (root) void new App(root).start();
