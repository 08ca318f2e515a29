// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-offload - a vendor PCI device whose "offload" mode hands its queues
 * to a host engine that cannot be migrated: the device registers a
 * migration blocker in realize when offload is on.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-offload", "1.0")
	PC_DESCRIPTION("vendor PCI device with an unmigratable offload mode")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("fx-offload", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_U32("ring", "count=4")
	PC_END

	PC_TYPE("fx-offload", "parent=pci-device section=fx-offload")
	PC_PROP_BOOL("offload", "default=off")
	PC_UNMIGRATABLE("prop=offload value=on reason=\"the host offload engine keeps the rings\"")
	PC_END
);
