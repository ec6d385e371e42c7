"""Writes the JavaScript bench/symbolication.sh minifies into a ~5 MB source map: MODULES modules
of ordinary-looking functions (names, strings, nested blocks), and an entry importing them all."""
import os
import random
import sys

out, modules = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 400
random.seed(15)
os.makedirs(os.path.join(out, "src"), exist_ok=True)
words = ["user", "order", "cart", "price", "total", "item", "config", "session", "token", "render", "update", "fetch", "parse", "queue"]
for m in range(modules):
    lines = []
    for f in range(12):
        a, b = random.sample(words, 2)
        name = f"{a}{b.capitalize()}{m}_{f}"
        lines.append(f"export function {name}(input, options = {{}}) {{")
        lines.append(f"  const {a}List = Array.isArray(input) ? input : [input];")
        lines.append(f"  let {b}Count = 0;")
        lines.append(f"  for (const entry of {a}List) {{")
        lines.append(f"    if (entry && typeof entry.{b} === \"number\") {{")
        lines.append(f"      {b}Count += entry.{b} * (options.factor || {f + 1});")
        lines.append("    } else if (options.strict) {")
        lines.append(f"      throw new Error(\"{name}: unexpected entry \" + JSON.stringify(entry));")
        lines.append("    }")
        lines.append("  }")
        lines.append(f"  return {{ {a}: {a}List.length, {b}: {b}Count, label: \"{name} done\" }};")
        lines.append("}")
        lines.append("")
    with open(os.path.join(out, "src", f"module{m}.js"), "w") as handle:
        handle.write("\n".join(lines))
with open(os.path.join(out, "src", "entry.js"), "w") as handle:
    for m in range(modules):
        handle.write(f"import * as m{m} from \"./module{m}.js\";\n")
    handle.write("globalThis.modules = [" + ", ".join(f"m{m}" for m in range(modules)) + "];\n")
