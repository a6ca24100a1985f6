# The two things a newcomer does: `make run` (the app, with a demo shop and local
# sign-in) and `make test` (the whole suite). Both install what they need first.
VENV ?= .venv
BIN := $(VENV)/bin
# `make run PORT=5001 SIGNIN_PORT=9401` when 5000 or 9400 are taken.
PORT ?= 5000
SIGNIN_PORT ?= 9400

.PHONY: run test install browser caddy nginx lint bench messages translations

run: install
	$(BIN)/flask --app shop dev --port $(PORT) --signin-port $(SIGNIN_PORT)

test: install browser caddy
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium"; exit 1; fi; }

# The custom-domain TLS test runs Debian's caddy (tests/production/test_caddy_domains.py;
# skipped without it outside CI). Debian starts the service it installs: stop it again.
caddy:
	@command -v caddy >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q caddy \
	    && { systemctl stop caddy 2>/dev/null || caddy stop 2>/dev/null || true; }; \
	  else echo "The Caddy test needs caddy: sudo apt-get install caddy (skipped without it)"; fi; }

# The viral-post benchmark and the deploy guide's `nginx -t` check run Debian's nginx with its
# brotli module; each is installed when missing. Debian starts the service: stop it again.
nginx:
	@{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } \
	  && [ -e /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    nginx-light libnginx-mod-http-brotli-filter && { /usr/sbin/nginx -s quit 2>/dev/null || true; }; \
	  else echo "The nginx checks need nginx: sudo apt-get install nginx-light libnginx-mod-http-brotli-filter"; fi; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Benchmarks load the app with wrk (Debian), put nginx in front of it for the viral post,
# and run Lighthouse (npm) in Chromium.
bench: install browser nginx
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; \
	  else echo "Benchmarks need wrk: sudo apt-get install wrk"; exit 1; fi; }
	$(BIN)/python -m benchmarks

messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o shop/translations/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i shop/translations/messages.pot -d shop/translations --no-fuzzy-matching

translations: install
	$(BIN)/pybabel compile -d shop/translations
