# Builds and installs picket's C library the way a C or Go project outside this repository
# uses it: the header, the static library, the versioned shared library with its SONAME
# and symlinks, and pkg-config files for the prefix.
#
#   make                                     cargo build --release -p picket-ffi
#   make install PREFIX=/usr/local           (PREFIX defaults to /usr/local; builds first)
#   make && sudo make install                a system prefix, cargo run as yourself
#   make install PREFIX=/usr DESTDIR=/tmp/stage   staged, for a package: .pc files say /usr
#   make uninstall PREFIX=/usr/local [DESTDIR=...] removes exactly what install wrote
#   make dist                                every release artifact into dist/ (scripts/dist/build.sh)
#
# `install` is `build` then `install-files`, which copies what $(BUILD_DIR) holds without
# running cargo; scripts/dist/c.sh uses it with BUILD_DIR= the release build and
# RELOCATABLE=1, which writes .pc files that find the prefix from their own directory
# (prefix=${pcfiledir}/../..), so that a tarball works wherever it is unpacked.
#
# Installs, under $(DESTDIR)$(PREFIX):
#   include/picket.h
#   lib/libpicket.a
#   lib/libpicket.so.X.Y.Z, lib/libpicket.so.ABI -> it (the SONAME), lib/libpicket.so -> that
#   lib/pkgconfig/picket.pc          shared:  pkg-config --cflags --libs picket
#   lib/pkgconfig/picket-static.pc   static:  pkg-config --cflags --libs picket-static
#
# ABI is the major version, or 0.MINOR while the major version is 0 (semver: a 0.x minor
# release may break the ABI; the same rule as cargo-c). picket-ffi/build.rs sets the same
# SONAME when cargo links the library; tests/consumer/run.sh checks that the version of
# Cargo.toml, the header's macros, the .pc files, the file names and the SONAME agree.
#
# Why a Makefile driving cargo, not cargo-c: cargo-c is a cargo subcommand built from source
# (a few minutes of compiling on every fresh CI machine, with its own dependency tree) to do
# what is here a handful of install lines; the SONAME is one linker argument in build.rs.
# ELF platforms only (Linux, the BSDs): a macOS .dylib is not installed by this file.

CARGO      ?= cargo
PREFIX     ?= /usr/local
DESTDIR    ?=
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL    ?= install

# The pkg-config files name the prefix as installed (without DESTDIR); it must be absolute.
ifneq ($(filter /%,$(PREFIX)),$(PREFIX))
$(error PREFIX must be an absolute path (it is written into picket.pc), got "$(PREFIX)")
endif

TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),target))
BUILD_DIR  ?= $(TARGET_DIR)/release
RELOCATABLE ?=

VERSION := $(shell sed -n 's/^version = "\([0-9.]*\)"$$/\1/p' Cargo.toml | head -n 1)
MAJOR   := $(word 1,$(subst ., ,$(VERSION)))
MINOR   := $(word 2,$(subst ., ,$(VERSION)))
ABI     := $(if $(filter 0,$(MAJOR)),0.$(MINOR),$(MAJOR))
ifeq ($(VERSION),)
$(error no version = "X.Y.Z" in Cargo.toml)
endif

# What the .pc files say: the prefix (or, RELOCATABLE=1, the path from the .pc file's own
# directory to it), and the lib and include directories under ${prefix} when they are there.
ifneq ($(RELOCATABLE),)
ifneq ($(LIBDIR)$(INCLUDEDIR)$(PKGCONFIGDIR),$(PREFIX)/lib$(PREFIX)/include$(PREFIX)/lib/pkgconfig)
$(error RELOCATABLE=1 needs the default LIBDIR, INCLUDEDIR and PKGCONFIGDIR under PREFIX)
endif
PC_PREFIX := $${pcfiledir}/../..
else
PC_PREFIX := $(PREFIX)
endif
PC_LIBDIR     := $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
PC_INCLUDEDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))

SO_REAL   := libpicket.so.$(VERSION)
SO_NAME   := libpicket.so.$(ABI)
# What the Rust standard library needs from the system when libpicket.a is linked
# (cargo rustc --crate-type staticlib -- --print native-static-libs, deduplicated).
NATIVE_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

.PHONY: all build install install-files uninstall dist
all: build

# Under sudo, cargo is often not on root's PATH: `make` as yourself, then `sudo make install`
# installs what that built (with a warning) instead of failing.
build:
	@if command -v $(CARGO) >/dev/null 2>&1; then \
	  echo "$(CARGO) build --release -p picket-ffi"; $(CARGO) build --release -p picket-ffi; \
	elif [ -f $(BUILD_DIR)/libpicket.so ] && [ -f $(BUILD_DIR)/libpicket.a ]; then \
	  echo "make: $(CARGO) not found (under sudo?): installing what $(BUILD_DIR) holds, built by an earlier make" >&2; \
	else \
	  echo "make: $(CARGO) not found and nothing built in $(BUILD_DIR): run make as yourself first, then make install" >&2; exit 1; \
	fi

# $(1): output file, $(2): Name, $(3): Description, $(4): Libs, $(5): Libs.private
define write_pc
	sed -e 's|@PREFIX@|$(PC_PREFIX)|g' -e 's|@LIBDIR@|$(PC_LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@NAME@|$(2)|g' -e 's|@DESCRIPTION@|$(3)|g' \
	    -e 's|@LIBS@|$(4)|g' -e 's|@LIBS_PRIVATE@|$(5)|g' -e '/^#/d' -e '/^Libs.private: *$$/d' \
	    picket-ffi/picket.pc.in > $(1).tmp && mv $(1).tmp $(1)
endef

install: build
	@$(MAKE) --no-print-directory install-files

install-files:
	@soname=$$(readelf -d $(BUILD_DIR)/libpicket.so | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p'); \
	if [ "$$soname" != "$(SO_NAME)" ]; then \
	  echo "make install: $(BUILD_DIR)/libpicket.so has SONAME '$$soname', expected $(SO_NAME)" >&2; exit 1; \
	fi
	$(INSTALL) -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 644 include/picket.h $(DESTDIR)$(INCLUDEDIR)/picket.h
	$(INSTALL) -m 644 $(BUILD_DIR)/libpicket.a $(DESTDIR)$(LIBDIR)/libpicket.a
	$(INSTALL) -m 755 $(BUILD_DIR)/libpicket.so $(DESTDIR)$(LIBDIR)/$(SO_REAL)
	ln -sf $(SO_REAL) $(DESTDIR)$(LIBDIR)/$(SO_NAME)
	ln -sf $(SO_NAME) $(DESTDIR)$(LIBDIR)/libpicket.so
	$(call write_pc,$(DESTDIR)$(PKGCONFIGDIR)/picket.pc,picket,API key authentication and OAuth redirect URI guarding (C interface),-L$${libdir} -lpicket,$(NATIVE_LIBS))
	$(call write_pc,$(DESTDIR)$(PKGCONFIGDIR)/picket-static.pc,picket-static,API key authentication and OAuth redirect URI guarding (C interface; static library),$${libdir}/libpicket.a $(NATIVE_LIBS),)
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/picket.pc $(DESTDIR)$(PKGCONFIGDIR)/picket-static.pc

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/picket.h
	rm -f $(DESTDIR)$(LIBDIR)/libpicket.a $(DESTDIR)$(LIBDIR)/libpicket.so
	rm -f $(DESTDIR)$(LIBDIR)/$(SO_NAME) $(DESTDIR)$(LIBDIR)/$(SO_REAL)
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/picket.pc $(DESTDIR)$(PKGCONFIGDIR)/picket-static.pc

# Every release artifact into dist/ (C tarballs, Python sdist and wheel, the Go module as a
# module proxy serves it): see scripts/dist/build.sh.
dist:
	scripts/dist/build.sh
