// floe-core/codegen: the one emitter for user strings in generated Python, shell and Jinja (see STYLE.md).
export { pyString, pyLiteral, pyIdentifier, safeName, nameHash, isPythonKeyword, PYTHON_KEYWORDS } from "./python-literal.js";
export type { PyValue, SafeNameRules } from "./python-literal.js";
export { shellQuote } from "./shell-quote.js";
