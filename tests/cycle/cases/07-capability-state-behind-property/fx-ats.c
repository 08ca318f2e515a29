// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-ats - a vendor PCI device with an optional Address Translation
 * Services capability: off by default, turned on by the users that pass
 * the device through an IOMMU (-device fx-ats,ats=on).  Its state is sent
 * in a subsection only when the capability is on.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-ats", "1.0")
	PC_DESCRIPTION("vendor PCI device with an optional ATS capability")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("fx-ats/ats", "version=1 min=1")
	PC_FIELD_U32("ctrl", "")
	PC_FIELD_U64("inval_queue", "")
	PC_END

	PC_VMSD("fx-ats", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_U32("status", "")
	PC_SUBSECTION("fx-ats/ats", "needed=ats")
	PC_END

	PC_TYPE("fx-ats", "parent=pci-device section=fx-ats")
	PC_PROP_BOOL("ats", "default=off guest-visible")
	PC_END
);
