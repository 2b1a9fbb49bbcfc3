# prouter: build, test, demo, install, and regenerate the man pages and completions.

SWIFT       ?= swift
PREFIX      ?= /usr/local
DESTDIR     ?=
TOOLS       := pr-sim pr-build-graph pr-embed pr-train pr-route pr-eval
SHELLS      := bash zsh fish
# The date printed in the man pages; bump it when the command-line interface changes.
MANUAL_DATE := 2026-12-04
RELEASE_BIN  = $(shell $(SWIFT) build -c release --show-bin-path)

.PHONY: deps build test demo install generate check-generated bench bench-judge fuzz clean model spark-example

# Stops with the apt-get line that would install the system packages the build needs.
deps:
	@bash .ci/check-deps

build: deps
	$(SWIFT) build -c release

# The judge client's tests run on their own first: they time requests against a stub
# server, and in the same process the CPU-bound suites can hold every thread of Swift's
# concurrency pool for minutes, which their deadlines then count as timeouts.
test: deps check-generated
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter JudgeClientTests
	$(SWIFT) test --skip-build --skip JudgeClientTests
	python3 examples/fuzz/fuzz.py --bin "$$($(SWIFT) build --show-bin-path)" --cases 300 --seed 1

# The full mutation fuzz run (10,000 cases; figures in BENCHMARKS.md).
fuzz: build
	python3 examples/fuzz/fuzz.py --bin "$(RELEASE_BIN)" --cases 10000 --seed 1

# The all-MiniLM-L6-v2 model folder for `pr-embed --encoder minilm` (MODEL_DIR=... to choose where).
model:
	bash examples/fetch-model.sh $(MODEL_DIR)

demo: build
	bash examples/demo.sh "$(RELEASE_BIN)"

# Routes the example's queries with PySpark (local[2]) and checks them against one
# pr-route process; PySpark goes into a throwaway .build/spark-venv (not the build, not CI).
spark-example: build
	bash examples/spark-example.sh "$(RELEASE_BIN)"

bench: build
	bash examples/bench.sh "$(RELEASE_BIN)"

bench-judge: build
	bash examples/bench-judge.sh "$(RELEASE_BIN)"

install: build
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
		"$(DESTDIR)$(PREFIX)/share/bash-completion/completions" \
		"$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
		"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	for tool in $(TOOLS); do \
		install -m 755 "$(RELEASE_BIN)/$$tool" "$(DESTDIR)$(PREFIX)/bin/$$tool"; \
		install -m 644 "man/$$tool.1" "$(DESTDIR)$(PREFIX)/share/man/man1/$$tool.1"; \
		install -m 644 "completions/$$tool.bash" "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$tool"; \
		install -m 644 "completions/_$$tool" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_$$tool"; \
		install -m 644 "completions/$$tool.fish" "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/$$tool.fish"; \
	done
	install -d "$(DESTDIR)$(PREFIX)/share/doc/prouter"
	install -m 644 README.md docs/*.md "$(DESTDIR)$(PREFIX)/share/doc/prouter/"
	# The cron and what-if scripts, next to the tools they find there.
	install -m 755 examples/rescore.sh "$(DESTDIR)$(PREFIX)/bin/pr-rescore"
	install -m 755 examples/what-if.py "$(DESTDIR)$(PREFIX)/bin/pr-what-if"

# Regenerates man/ and completions/ with swift-argument-parser's own generators.
generate:
	bash .ci/generate-docs man completions

# Fails when the committed man pages or completions differ from freshly generated ones.
check-generated:
	@rm -rf .build/generated-check
	@bash .ci/generate-docs .build/generated-check/man .build/generated-check/completions
	@if ! diff -r man .build/generated-check/man >/dev/null || ! diff -r completions .build/generated-check/completions >/dev/null; then \
		diff -r man .build/generated-check/man; diff -r completions .build/generated-check/completions; \
		echo "man/ or completions/ are stale: run 'make generate' and commit the result" >&2; exit 1; \
	fi
	@echo "man pages and completions are up to date"

clean:
	$(SWIFT) package clean
