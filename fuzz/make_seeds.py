#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ from the repository's own test inputs:
the envelope corpus (bench/make_corpus.py output, passed as the one argument), the event
payloads inside it, the search queries of IssueSearchTests, and brotli/zstd bodies made from
the envelopes (first byte 0 = brotli, 1 = zstd, as fuzz/decompress.swift reads it)."""
import hashlib, os, pathlib, re, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"

def put(target, data):
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)

envelopes = sorted(pathlib.Path(sys.argv[1]).glob("*.envelope"))
for path in envelopes:
    data = path.read_bytes()
    put("envelope", data)
    lines = data.split(b"\n")
    for line in lines[1:]:
        if line.startswith(b"{") and b'"type"' not in line[:40]:
            put("event", line)

for text in [b"{}", b"[]", b'{"a":[1,2.5,-3e10,true,false,null,"\\u00e9\\ud83d\\ude00"]}',
             b'{"exception":{"values":[{"type":"E","value":"v","stacktrace":{"frames":[{"function":"f"}]}}]}}',
             b'{"message":{"formatted":"x","params":[1]},"tags":[["a","b"]],"timestamp":"2026-01-01T00:00:00Z"}']:
    put("event", text)
# The hostile-request families of HostileInputTests, as starting points.
for text in [b"[" * 10000 + b"]" * 10000, b'{"a":' * 300 + b"1" + b"}" * 300, b'{"a":NaN}', b'{"a":-Infinity}',
             b'{"a":1e999}', b'{"m":"\xff\xfe\xc3\x28\xed\xa0\x80"}', b'{"s":"\\ud800\\u0041\\udc00"}',
             b'{"n":12345678901234567890,"f":-0.0,"e":1E-400}']:
    put("event", text)
for text in [b"{}\n", b'{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}\n{"type":"event","length":2}\n{}\n',
             b'{}\n{"type":"attachment"}\nabc\n{"type":"event"}\n{}',
             b'{}\n{"type":"event","length":-1}\n{}', b'{}\n{"type":"event","length":"2"}\n{}',
             b'{}\n{"type":"event","length":99}\n{}', b'{"dsn":"\xff"}\n{"type":"event"}\n{}']:
    put("envelope", text)

# The processor's step and the stored-event renderers start from every event seed, plus the
# stored values that crashed the API before (huge line numbers with context, breadcrumb times no
# date holds, strings and objects where numbers and arrays belong).
for target in ["process", "render"]:
    for path in sorted((corpus / "event").iterdir()):
        put(target, path.read_bytes())
for text in [b'{"exception":{"values":[{"type":"E","stacktrace":{"frames":[{"lineno":9223372036854775807,"post_context":["a","b"],"context_line":"c"}]}}]}}',
             b'{"exception":{"values":[{"type":"E","stacktrace":{"frames":[{"lineno":-9223372036854775808,"pre_context":["a","b"]}]}}]}}',
             b'{"breadcrumbs":{"values":[{"timestamp":1e300},{"timestamp":-1e300},{"timestamp":-62167219201},{"timestamp":"x"}]}}',
             b'{"exception":{"values":[{"stacktrace":{"frames":{"lineno":"12"}}}]},"tags":[["a","b"],["c"]],"breadcrumbs":[1,"x",null]}',
             b'{"exception":"x","threads":{"values":[{"stacktrace":{"frames":[{"lineno":1.5,"pre_context":"x"}]}}]},"request":{"headers":[["Content-Type",1]]}}',
             b'{"timestamp":1e300,"received":-1e300,"level":7,"platform":[],"logentry":{"formatted":3},"user":{"ip_address":"{{auto}}"}}']:
    put("process", text)
    put("render", text)

tests = (root / "Tests/FaultlineTests/Unit/IssueSearchTests.swift").read_text()
for match in re.finditer(r'(?:filters|terms|parse|failure|compile)\((#?)"(.*?)"\1', tests):
    put("search", match.group(2).encode())

for path in envelopes[:12]:
    data = path.read_bytes()
    zstd = subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True, check=True).stdout
    put("decompress", b"\x01" + zstd)
    try:
        import brotli
        put("decompress", b"\x00" + brotli.compress(data))
    except ImportError:
        pass
