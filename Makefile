# Every target does its own set-up (scripts/setup.sh is idempotent and quick when all is present).
.PHONY: demo test build www bench fuzz test-rust setup clean

demo: build
	node scripts/demo.mjs

test:
	bash scripts/test.sh

build: setup
	bash scripts/build.sh

setup:
	bash scripts/setup.sh

test-rust:
	cargo test --features internals

www: build
	node scripts/serve-www.mjs

bench: build
	bash scripts/bench.sh

fuzz:
	bash scripts/fuzz.sh

clean:
	cargo clean
	rm -rf pkg/dist node_modules pkg/node_modules
