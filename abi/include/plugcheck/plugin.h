/*
 * plugcheck/plugin.h - the plugin ABI: what device plugins (in-tree and
 * vendor modules) compile against.  This header is a stable contract; it is
 * installed and found with `pkg-config --cflags plugcheck`.
 *
 * A plugin declares, as data, its device types, their properties and their
 * migration state layouts.  The declaration is a text in the declaration
 * language (Documentation/declaration-language.md) placed in the ELF section
 * ".plugcheck", so that `plugcheck info` and the loader's ABI gate read it
 * with libelf without running any plugin code (as modinfo reads .modinfo).
 * The same bytes are reachable through the exported symbol
 * `plugcheck_module` once the plugin is loaded.
 *
 * Rules of the contract:
 *  - PLUGCHECK_ABI_VERSION changes when this header changes incompatibly.
 *    The loader refuses a plugin whose ABI version differs from its own,
 *    before any of the plugin's code runs.
 *  - struct plugcheck_api only grows at the end; check api->size before
 *    using a member added after the ABI version you were built for.
 *  - plugins are linked with -Wl,-z,defs: everything they need from the core
 *    comes through struct plugcheck_api, never through undefined symbols.
 *  - code hooks named in the declaration ("hook post_load SYMBOL") are looked
 *    up by name and called with the api table and an opaque context.
 */
#ifndef PLUGCHECK_PLUGIN_H
#define PLUGCHECK_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define PLUGCHECK_ABI_VERSION 1
#define PLUGCHECK_MODULE_MAGIC 0x50434b4dU /* "PCKM" */
#define PLUGCHECK_SECTION ".plugcheck"
#define PLUGCHECK_MODULE_SYMBOL "plugcheck_module"

#define PLUGCHECK__STR2(x) #x
#define PLUGCHECK__STR(x) PLUGCHECK__STR2(x)

#if defined(__GNUC__)
#define PLUGCHECK_EXPORT __attribute__((visibility("default")))
#define PLUGCHECK__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PLUGCHECK_EXPORT
#define PLUGCHECK__PRINTF(f, a)
#endif

/* Opaque: the state of one device instance during a hook call. */
struct plugcheck_hook_ctx;

/*
 * The host API, handed to hooks.  Append-only: new members go at the end,
 * before 'reserved' shrinks.  Every function is safe to call with any
 * argument; failures are reported through the return value.
 */
struct plugcheck_api {
	uint32_t size;        /* sizeof(struct plugcheck_api) of the core */
	uint32_t abi_version; /* PLUGCHECK_ABI_VERSION of the core */
	const char *core_version;
	/* Effective value of a property of the instance (integers, bools,
	 * enums as index).  Returns 0, or -1 if there is no such property. */
	int (*prop_int)(struct plugcheck_hook_ctx *ctx, const char *name,
			int64_t *out);
	/* Canonical text of a property value, or NULL. */
	const char *(*prop_text)(struct plugcheck_hook_ctx *ctx,
				 const char *name);
	/* Element 'index' of a scalar field, by path ("vq.inuse").  Returns 0,
	 * or -1 if the field is not in the loaded state. */
	int (*field_u64)(struct plugcheck_hook_ctx *ctx, const char *path,
			 uint32_t index, uint64_t *out);
	/* The bytes of a buffer field.  Returns 0 or -1. */
	int (*field_bytes)(struct plugcheck_hook_ctx *ctx, const char *path,
			   const uint8_t **data, size_t *len);
	/* Reject the loaded state with a reason (the load fails). */
	void (*reject)(struct plugcheck_hook_ctx *ctx, const char *fmt, ...)
		PLUGCHECK__PRINTF(2, 3);
	void *reserved[16];
};

/* A hook: return 0 to accept, non-zero (after api->reject) to refuse. */
typedef int (*plugcheck_hook_fn)(const struct plugcheck_api *api,
				 struct plugcheck_hook_ctx *ctx);

/* The exported module record.  Grows only at the end ('size'). */
struct plugcheck_module {
	uint32_t magic;       /* PLUGCHECK_MODULE_MAGIC */
	uint32_t abi_version; /* PLUGCHECK_ABI_VERSION the plugin was built for */
	uint32_t size;        /* sizeof(struct plugcheck_module) */
	uint32_t decl_len;    /* bytes of 'decl', without the final NUL */
	const char *decl;     /* the declaration (same bytes as the section) */
	/* optional: called once after loading; non-zero refuses the plugin */
	int (*init)(const struct plugcheck_api *api);
	void *reserved[8];
};

/*
 * PLUGCHECK_MODULE(init_fn, DECL): define the module.  DECL is a string
 * literal, usually built from the PC_* line macros below.  The first line of
 * the section names the ABI version, so the gate needs nothing else.
 */
#define PLUGCHECK_MODULE(init_fn, decl_text)                                  \
	__attribute__((section(PLUGCHECK_SECTION), used, retain, aligned(1))) \
	static const char plugcheck__decl[] =                                 \
		"plugcheck-abi " PLUGCHECK__STR(PLUGCHECK_ABI_VERSION) "\n"   \
		decl_text;                                                    \
	PLUGCHECK_EXPORT const struct plugcheck_module plugcheck_module = {   \
		PLUGCHECK_MODULE_MAGIC,                                       \
		PLUGCHECK_ABI_VERSION,                                        \
		(uint32_t)sizeof(struct plugcheck_module),                    \
		(uint32_t)(sizeof(plugcheck__decl) - 1),                      \
		plugcheck__decl,                                              \
		init_fn,                                                      \
		{ 0 },                                                        \
	}

/*
 * Line macros of the declaration language.  Each yields one line; 'attrs'
 * is a string literal of key=value attributes (may be "").  Values with
 * spaces are double-quoted inside it: PC_FIELD_U16("vq", "count=\"min(smp, 4)\"").
 *
 * Each line ends with its source position, a comment the parser reads:
 * "#@ line N", N the C line of the macro, and PC_PLUGIN's "#@ line N FILE",
 * FILE as compiled (__FILE__), so that findings name the C source file
 * and line of a declaration (Documentation/declaration-language.md,
 * "Source positions").  A plugcheck that predates them reads comments.
 */
#define PLUGCHECK__AT " #@ line " PLUGCHECK__STR(__LINE__)
#define PC_PLUGIN(name, version) \
	"plugin " name " " version PLUGCHECK__AT " " __FILE__ "\n"
#define PC_DESCRIPTION(text) "description \"" text "\"" PLUGCHECK__AT "\n"
#define PC_LICENSE(text) "license \"" text "\"" PLUGCHECK__AT "\n"
#define PC_AUTHOR(text) "author \"" text "\"" PLUGCHECK__AT "\n"

#define PC_TYPE(name, attrs) "type " name " " attrs PLUGCHECK__AT "\n"
#define PC_END "end" PLUGCHECK__AT "\n"
#define PC_PROP(name, kind, attrs) "  prop " name " " kind " " attrs PLUGCHECK__AT "\n"
#define PC_PROP_BOOL(name, attrs) PC_PROP(name, "bool", attrs)
#define PC_PROP_BIT(name, attrs) PC_PROP(name, "bit", attrs)
#define PC_PROP_U8(name, attrs) PC_PROP(name, "u8", attrs)
#define PC_PROP_U16(name, attrs) PC_PROP(name, "u16", attrs)
#define PC_PROP_U32(name, attrs) PC_PROP(name, "u32", attrs)
#define PC_PROP_U64(name, attrs) PC_PROP(name, "u64", attrs)
#define PC_PROP_I8(name, attrs) PC_PROP(name, "i8", attrs)
#define PC_PROP_I16(name, attrs) PC_PROP(name, "i16", attrs)
#define PC_PROP_I32(name, attrs) PC_PROP(name, "i32", attrs)
#define PC_PROP_I64(name, attrs) PC_PROP(name, "i64", attrs)
#define PC_PROP_STRING(name, attrs) PC_PROP(name, "string", attrs)
#define PC_PROP_ENUM(name, attrs) PC_PROP(name, "enum", attrs)
#define PC_PROP_ONOFFAUTO(name, attrs) PC_PROP(name, "onoffauto", attrs)
#define PC_CHILD(name, type, attrs) "  child " name " " type " " attrs PLUGCHECK__AT "\n"
#define PC_HOOK(event, symbol) "  hook " event " " symbol PLUGCHECK__AT "\n"
/* a virtio feature bit the device offers (bit N of host_features,
 * N >= 64 in the extended words): PC_PROP_FEATURE("mrg_rxbuf",
 * "container=host_features bit=15 default=on"); offered only with a host
 * capability (host=CAP) or while other properties are on (requires=A,B) */
#define PC_PROP_FEATURE(name, attrs) PC_PROP(name, "feature", attrs)
/* the type blocks migration: PC_UNMIGRATABLE("reason=\"...\""), or only
 * for one property value: PC_UNMIGRATABLE("prop=P value=V") */
#define PC_UNMIGRATABLE(attrs) "  unmigratable " attrs PLUGCHECK__AT "\n"
/* a VM configuration the type's users run besides the default one, which
 * the main job checks too: PC_CONFIG("iommu", "ats=on,pasid=on") */
#define PC_CONFIG(name, props) "  config " name " \"" props "\"" PLUGCHECK__AT "\n"
/* a RAM block the type's objects own (an option ROM, firmware, an ACPI
 * blob): PC_RAMBLOCK("rom", "size=romsize"), resizeable with max= */
#define PC_RAMBLOCK(name, attrs) "  ramblock " name " " attrs PLUGCHECK__AT "\n"
/* a type attribute (class data derived defaults read): PC_ATTR("vendor",
 * "AuthenticAMD"), PC_ATTR("cache-info", "1"); quote a value with blanks:
 * PC_ATTR("model-id", "\"QEMU Virtual CPU\"") */
#define PC_ATTR(name, value) "  attr " name " " value PLUGCHECK__AT "\n"

#define PC_VMSD(name, attrs) "vmsd " name " " attrs PLUGCHECK__AT "\n"
#define PC_FIELD(name, kind, attrs) "  field " name " " kind " " attrs PLUGCHECK__AT "\n"
#define PC_FIELD_U8(name, attrs) PC_FIELD(name, "u8", attrs)
#define PC_FIELD_U16(name, attrs) PC_FIELD(name, "u16", attrs)
#define PC_FIELD_U32(name, attrs) PC_FIELD(name, "u32", attrs)
#define PC_FIELD_U64(name, attrs) PC_FIELD(name, "u64", attrs)
#define PC_FIELD_I8(name, attrs) PC_FIELD(name, "i8", attrs)
#define PC_FIELD_I16(name, attrs) PC_FIELD(name, "i16", attrs)
#define PC_FIELD_I32(name, attrs) PC_FIELD(name, "i32", attrs)
#define PC_FIELD_I64(name, attrs) PC_FIELD(name, "i64", attrs)
#define PC_FIELD_BOOL(name, attrs) PC_FIELD(name, "bool", attrs)
#define PC_FIELD_BUFFER(name, attrs) PC_FIELD(name, "buffer", attrs)
#define PC_FIELD_UNUSED(name, attrs) PC_FIELD(name, "unused", attrs)
#define PC_FIELD_STRUCT(name, vmsd, attrs) \
	PC_FIELD(name, "struct", "struct=" vmsd " " attrs)
#define PC_SUBSECTION(vmsd, attrs) "  subsection " vmsd " " attrs PLUGCHECK__AT "\n"
#define PC_INVARIANT(name, attrs) "  invariant " name " " attrs PLUGCHECK__AT "\n"
/* config space (Documentation/declaration-language.md, "Config space");
 * the PCI constants and helpers are in <plugcheck/pci.h> */
#define PC_REGISTER(name, attrs) "  register " name " " attrs PLUGCHECK__AT "\n"
#define PC_CAPABILITY(name, attrs) "  capability " name " " attrs PLUGCHECK__AT "\n"

#endif /* PLUGCHECK_PLUGIN_H */
