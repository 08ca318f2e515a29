// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-stats - a vendor PCI device that counts its requests.  In 11.0 the
 * counters are not migrated; the next release sends them in a
 * subsection whose needed() reads a compat property (QEMU's pattern for
 * new optional state: sent when a property says so).
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-stats", "1.0")
	PC_DESCRIPTION("vendor PCI device with request counters")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("fx-stats", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_U32("status", "")
	PC_END

	PC_TYPE("fx-stats", "parent=pci-device section=fx-stats")
	PC_PROP_U32("queues", "default=1 guest-visible")
	PC_END
);
