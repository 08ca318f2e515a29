// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * migration - the migration object (TYPE_MIGRATION, migration/migration.c,
 * migration/options.c).  In QEMU it is a qdev device (not user-creatable)
 * so that machine compat properties reach it: its properties select the
 * migration protocol behaviour both ends must agree on.
 *
 * It is a pure configuration object: it has no VMStateDescription and no
 * section.  Every VM has it (migration_object_init()), whatever devices
 * it names, and the machine type's compat arrays reach it: it is declared
 * 'machine', so --vm-device configurations compare its knobs too.  None of its properties is guest-visible; those marked 'wire'
 * change the stream framing or what the destination demands (both ends
 * must agree: PC503).  x-clear-bitmap-shift only tunes the source.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("migration", "11.0")
	PC_DESCRIPTION("the migration object (protocol compat knobs)")
	PC_LICENSE("GPL-2.0-or-later")

	/* migration/options.c: migration_properties */
	PC_TYPE("migration", "parent=device machine doc=\"migration object: protocol knobs, no state of its own; in every VM (migration_object_init())\"")
	PC_PROP_BOOL("store-global-state", "default=on wire")
	PC_PROP_BOOL("send-configuration", "default=on wire")
	PC_PROP_BOOL("send-section-footer", "default=on wire")
	PC_PROP_BOOL("multifd-flush-after-each-section", "default=off wire since=8.1 absent=on"
		" doc=\"multifd: flush every RAM section (the 8.0 protocol); hw_compat_8_0 on\"")
	PC_PROP_BOOL("x-preempt-pre-7-2", "default=off wire since=8.0 absent=on"
		" doc=\"postcopy preempt channel handshake as before 8.0; hw_compat_7_2 true\"")
	PC_PROP_ENUM("zero-page-detection", "values=none,legacy,multifd default=multifd wire since=9.0 absent=legacy"
		" doc=\"ZeroPageDetection: multifd threads detect zero pages since 9.0; hw_compat_8_2 legacy\"")
	PC_PROP_BOOL("multifd-clean-tls-termination", "default=on wire since=10.0 absent=off"
		" doc=\"multifd TLS channels send close_notify; hw_compat_9_2 false\"")
	PC_PROP_BOOL("send-switchover-start", "default=on wire since=10.0 absent=off"
		" doc=\"send MIG_CMD_SWITCHOVER_START; hw_compat_9_2 off\"")
	PC_PROP_U8("multifd-channels", "default=2 wire")
	PC_PROP_U8("x-clear-bitmap-shift", "default=18")
	PC_END
);
