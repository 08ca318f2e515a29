// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pc-machine - state the PC machine types (q35 and i440fx) own, not a
 * -device: what the board registers itself, in every VM of it.
 *
 * - The ACPI build state (hw/i386/acpi-build.c acpi_setup(), called from
 *   pc_machine_done() on every machine type the tree describes):
 *   vmstate_register(NULL, 0, &vmstate_acpi_build, ...), section
 *   "acpi_build" instance 0, version 1, one byte (patched); and the three
 *   fw_cfg blobs it exposes through acpi_add_rom_blob() (hw/acpi/utils.c),
 *   each a resizeable RAM block (rom_set_mr():
 *   memory_region_init_resizeable_ram(), used length the blob's, max the
 *   reserve acpi_add_rom_blob() gives it): etc/acpi/tables (padded to
 *   ACPI_BUILD_TABLE_SIZE 0x20000, max 0x200000), etc/table-loader
 *   (aligned to ACPI_BUILD_ALIGN_SIZE 0x1000, max 0x10000), etc/acpi/rsdp
 *   (36 bytes, max 0x1000).  QEMU names the blocks "/rom@etc/...".
 * - The fixed option ROM area, "pc.rom" (hw/i386/pc.c pc_memory_init():
 *   memory_region_init_ram(..., "pc.rom", PC_ROM_SIZE = 0xe0000 -
 *   0xc0000)), and the firmware, "pc.bios" (hw/i386/x86-common.c
 *   x86_bios_rom_init(): the size of the BIOS file, bios-256k.bin by
 *   default).
 *
 * Sizes that depend on the configuration (ACPI tables beyond 0x20000 for
 * large VMs, another -bios) are outside the default configuration this
 * describes.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("pc-machine", "11.0")
	PC_DESCRIPTION("state the PC machine types own: ACPI build state, firmware and ROM RAM blocks")
	PC_LICENSE("GPL-2.0-or-later")

	/* hw/i386/acpi-build.c: vmstate_acpi_build */
	PC_VMSD("acpi_build", "version=1 min=1")
	PC_FIELD_U8("patched", "")
	PC_END

	PC_TYPE("pc-acpi-build", "parent=device machine section=acpi_build"
		" doc=\"AcpiBuildState of acpi_setup(): not a QOM device, registered by the machine\"")
	PC_RAMBLOCK("etc/acpi/tables", "size=0x20000 max=0x200000")
	PC_RAMBLOCK("etc/table-loader", "size=0x1000 max=0x10000")
	PC_RAMBLOCK("etc/acpi/rsdp", "size=36 max=0x1000")
	PC_END

	PC_TYPE("pc-firmware", "parent=device machine"
		" doc=\"the BIOS image and the option ROM area of pc_memory_init()\"")
	PC_RAMBLOCK("pc.bios", "size=0x40000 doc=\"bios-256k.bin\"")
	PC_RAMBLOCK("pc.rom", "size=0x20000")
	PC_END
);
