# A thin layer over CMake. `make demo` and `make test` do every set-up step.
BUILD    ?= build
SANBUILD ?= build-sanitize
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all setup build demo test validate bench test-sanitize format format-check tidy clean

all: build

setup:
	@scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCREDERE_WERROR=ON $(CMAKE_FLAGS)

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The quick-start experiment: a summary table and a results file.
demo: build
	@mkdir -p out
	$(BUILD)/credere run experiments/quickstart.yaml -o out/quickstart.h5 --force
	@echo "inspect it with: $(BUILD)/credere info out/quickstart.h5"
	@echo "tables and figures: $(BUILD)/credere analyze out/quickstart.h5 --csv out/tables --force"
	@echo "                    $(BUILD)/credere plot out/quickstart.h5 --figure modes -o out/modes.pdf --force"

# The test suite (unit, validation at reduced size, command line, Python reader).
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

# Full-size statistical validations (slow; label "validation").
validate: build
	cd $(BUILD) && CREDERE_FULL_VALIDATION=1 ctest --output-on-failure -L validation --timeout 3600

# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: setup
	cmake -S . -B $(SANBUILD) -DCMAKE_BUILD_TYPE=Debug -DCREDERE_WERROR=ON -DCREDERE_SANITIZE=ON
	cmake --build $(SANBUILD) -j $(JOBS)
	cd $(SANBUILD) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS) --timeout 1800

# libFuzzer targets of the file readers (clang; tests/fuzz/README.md), FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
FUZZBUILD    ?= build-fuzz
.PHONY: fuzz
fuzz: setup
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZBUILD)

bench: build
	$(BUILD)/credere bench

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

tidy: $(BUILD)/CMakeCache.txt
	clang-tidy -p $(BUILD) --quiet $$(git ls-files 'core/*.c' 'models/*.c' 'experiments/*.c' 'apps/*.c')

clean:
	rm -rf $(BUILD) $(SANBUILD) $(FUZZBUILD)
