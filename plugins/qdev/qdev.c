// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qdev - the QOM roots every device plugin hangs off: `object`, `device`,
 * the interface root `interface` and the interface types the shipped
 * devices declare, plus the generic abstract bus bases (`isa-device`,
 * `cpu`).  Modelled on qom/object.c, hw/core/qdev.c, hw/pci/pci.c and
 * hw/isa/isa-bus.c; parents and interfaces follow QOM exactly
 * (data/qemu-machines/type-hierarchy.tsv).
 *
 * No type here has properties named by a compat array, and none has a
 * migration section: they are all abstract.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("qdev", "11.0")
	PC_DESCRIPTION("QOM roots (object, device, interface), interface types and abstract bus bases")
	PC_LICENSE("GPL-2.0-or-later")

	/* qom/object.c: TYPE_OBJECT, the root of every non-interface type */
	PC_TYPE("object", "abstract doc=\"QOM root type (qom/object.c)\"")
	PC_END
	/* hw/core/qdev.c: TYPE_DEVICE */
	PC_TYPE("device", "parent=object interfaces=vmstate-if,resettable abstract doc=\"qdev device base (hw/core/qdev.c)\"")
	PC_END

	/* qom/object.c: TYPE_INTERFACE, the root of every interface type */
	PC_TYPE("interface", "interface abstract doc=\"QOM interface root (qom/object.c)\"")
	PC_END
	PC_TYPE("vmstate-if", "parent=interface interface abstract")
	PC_END
	PC_TYPE("resettable", "parent=interface interface abstract")
	PC_END
	PC_TYPE("pci-express-device", "parent=interface interface abstract doc=\"INTERFACE_PCIE_DEVICE (hw/pci/pci.c)\"")
	PC_END
	PC_TYPE("conventional-pci-device", "parent=interface interface abstract doc=\"INTERFACE_CONVENTIONAL_PCI_DEVICE (hw/pci/pci.c)\"")
	PC_END
	PC_TYPE("hotplug-handler", "parent=interface interface abstract")
	PC_END
	PC_TYPE("acpi-dev-aml-interface", "parent=interface interface abstract")
	PC_END
	PC_TYPE("memory-device", "parent=interface interface abstract")
	PC_END
	PC_TYPE("ram-discard-manager", "parent=interface interface abstract")
	PC_END

	/* hw/isa/isa-bus.c: TYPE_ISA_DEVICE */
	PC_TYPE("isa-device", "parent=device abstract doc=\"ISA device base (hw/isa/isa-bus.c)\"")
	PC_END
	/* hw/core/cpu-common.c: TYPE_CPU */
	PC_TYPE("cpu", "parent=device abstract doc=\"CPU base (hw/core/cpu-common.c)\"")
	PC_END
);
