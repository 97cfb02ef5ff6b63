// Reads a Mermaid gantt chart on standard input with mermaid's own gantt parser and prints its
// sections and tasks as JSON. Usage: node mermaid_gantt.mjs /path/to/mermaid/.../ganttDiagram-*.mjs
// (tests/test_outputs_injection.py finds that file in an installed `mermaid` npm package).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const { diagram } = await import(pathToFileURL(process.argv[2]).href);
const chart = readFileSync(0, "utf8");
diagram.db.clear();
diagram.parser.parser.yy = diagram.db;
diagram.parser.parse(chart);
const tasks = diagram.db.getTasks().map((t) => ({ section: t.section, task: t.task, id: t.id }));
console.log(JSON.stringify({ sections: diagram.db.getSections(), tasks }));
