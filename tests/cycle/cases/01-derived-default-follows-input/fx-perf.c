// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-perf - a vendor PCI performance-monitoring device.  "pmu" turns the
 * counters on; "pdcm" advertises the perfmon capability register to the
 * guest.  In 11.0 pdcm is a plain default (off).
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-perf", "1.0")
	PC_DESCRIPTION("vendor PCI performance-monitoring device")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("fx-perf", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_U64("counters", "count=4")
	PC_END

	PC_TYPE("fx-perf", "parent=pci-device section=fx-perf")
	PC_PROP_BOOL("pmu", "default=on guest-visible")
	PC_PROP_BOOL("pdcm", "default=off guest-visible")
	PC_END
);
