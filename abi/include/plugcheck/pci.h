/* SPDX-License-Identifier: MIT */
/*
 * plugcheck/pci.h - PCI and PCI Express config-space constants for
 * declarations, as QEMU's headers define them
 * (include/standard-headers/linux/pci_regs.h, include/hw/pci/pcie_regs.h),
 * written as declaration text: offsets are plain numbers (for offset=,
 * at=, size=), masks are parenthesised expressions built from the
 * specification's bit names (for value=, cmask=, wmask=, w1cmask=).
 *
 *   PC_REGISTER("aer-uncor-mask", "cap=aer offset=" PC_PCI_ERR_UNCOR_MASK
 *               " size=4 value=\"" PC_PCI_ERR_UNC_MASK_DEFAULT "\"")
 *
 * And the capabilities QEMU's PCI core adds, as declarations
 * (PC_PCIE_AER(), PC_PCI_MSIX()): a device adds them to its own type
 * without copying the shared PCI device description.
 */
#ifndef PLUGCHECK_PCI_H
#define PLUGCHECK_PCI_H

#include <plugcheck/plugin.h>

/* ---- header (pci_regs.h) */
#define PC_PCI_VENDOR_ID "0x00"
#define PC_PCI_DEVICE_ID "0x02"
#define PC_PCI_COMMAND "0x04"
#define PC_PCI_STATUS "0x06"
#define PC_PCI_BASE_ADDRESS_0 "0x10"
#define PC_PCI_CAPABILITY_LIST "0x34"

/* ---- capability IDs */
#define PC_PCI_CAP_ID_PM "0x01"
#define PC_PCI_CAP_ID_MSI "0x05"
#define PC_PCI_CAP_ID_EXP "0x10"
#define PC_PCI_CAP_ID_MSIX "0x11"
#define PC_PCI_EXT_CAP_ID_ERR "0x01"

/* ---- power management (pci_regs.h: PCI_PM_SIZEOF) */
#define PC_PCI_PM_SIZEOF "8"

/* ---- MSI-X (pci_regs.h; hw/pci/msix.c: MSIX_CAP_LENGTH 12) */
#define PC_PCI_CAP_MSIX_SIZEOF "12"
#define PC_PCI_MSIX_FLAGS "2"
#define PC_PCI_MSIX_TABLE "4"
#define PC_PCI_MSIX_PBA "8"
#define PC_PCI_MSIX_FLAGS_QSIZE "0x07ff"
#define PC_PCI_MSIX_FLAGS_MASKALL "0x4000"
#define PC_PCI_MSIX_FLAGS_ENABLE "0x8000"

/* ---- AER (pci_regs.h; pcie_regs.h: PCI_ERR_VER, PCI_ERR_SIZEOF) */
#define PC_PCI_ERR_VER "2"
#define PC_PCI_ERR_SIZEOF "0x48"
#define PC_PCI_ERR_UNCOR_STATUS "0x04"
#define PC_PCI_ERR_UNCOR_MASK "0x08"
#define PC_PCI_ERR_UNCOR_SEVER "0x0c"

#define PC_PCI_ERR_UNC_DLP "0x00000010"
#define PC_PCI_ERR_UNC_SDN "0x00000020"
#define PC_PCI_ERR_UNC_POISON_TLP "0x00001000"
#define PC_PCI_ERR_UNC_FCP "0x00002000"
#define PC_PCI_ERR_UNC_COMP_TIME "0x00004000"
#define PC_PCI_ERR_UNC_COMP_ABORT "0x00008000"
#define PC_PCI_ERR_UNC_UNX_COMP "0x00010000"
#define PC_PCI_ERR_UNC_RX_OVER "0x00020000"
#define PC_PCI_ERR_UNC_MALF_TLP "0x00040000"
#define PC_PCI_ERR_UNC_ECRC "0x00080000"
#define PC_PCI_ERR_UNC_UNSUP "0x00100000"
#define PC_PCI_ERR_UNC_ACSV "0x00200000"
#define PC_PCI_ERR_UNC_INTN "0x00400000"
#define PC_PCI_ERR_UNC_MCBTLP "0x00800000"
#define PC_PCI_ERR_UNC_ATOP_EBLOCKED "0x01000000"
#define PC_PCI_ERR_UNC_TLP_PRF_BLOCKED "0x02000000"

/* pcie_regs.h */
#define PC_PCI_ERR_UNC_SUPPORTED                                         \
	"(" PC_PCI_ERR_UNC_DLP " | " PC_PCI_ERR_UNC_SDN " | "             \
	PC_PCI_ERR_UNC_POISON_TLP " | " PC_PCI_ERR_UNC_FCP " | "         \
	PC_PCI_ERR_UNC_COMP_TIME " | " PC_PCI_ERR_UNC_COMP_ABORT " | "   \
	PC_PCI_ERR_UNC_UNX_COMP " | " PC_PCI_ERR_UNC_RX_OVER " | "       \
	PC_PCI_ERR_UNC_MALF_TLP " | " PC_PCI_ERR_UNC_ECRC " | "          \
	PC_PCI_ERR_UNC_UNSUP " | " PC_PCI_ERR_UNC_ACSV " | "             \
	PC_PCI_ERR_UNC_INTN " | " PC_PCI_ERR_UNC_MCBTLP " | "            \
	PC_PCI_ERR_UNC_ATOP_EBLOCKED " | " PC_PCI_ERR_UNC_TLP_PRF_BLOCKED ")"
#define PC_PCI_ERR_UNC_MASK_DEFAULT                                      \
	"(" PC_PCI_ERR_UNC_INTN " | " PC_PCI_ERR_UNC_TLP_PRF_BLOCKED ")"
#define PC_PCI_ERR_UNC_SEVERITY_DEFAULT                                  \
	"(" PC_PCI_ERR_UNC_DLP " | " PC_PCI_ERR_UNC_SDN " | "             \
	PC_PCI_ERR_UNC_FCP " | " PC_PCI_ERR_UNC_RX_OVER " | "            \
	PC_PCI_ERR_UNC_MALF_TLP " | " PC_PCI_ERR_UNC_INTN ")"

/*
 * The AER extended capability as pcie_aer_init() (hw/pci/pcie_aer.c)
 * adds it at offset 'at' of config buffer 'field' (a path into the
 * type's section, "parent_obj.config"), with the registers whose masks
 * differ between releases: the uncorrectable error status (write 1 to
 * clear), mask and severity.  The mask is QEMU's x-pcie-err-unc-mask
 * (a pci-device property, hw_compat_7_2 off): on, it has
 * PCI_ERR_UNC_MASK_DEFAULT and PCI_ERR_UNC_SUPPORTED is writable; off,
 * it is 0 and read-only (as before 8.0).
 */
#define PC_PCIE_AER(field, at)                                           \
	PC_CAPABILITY("aer", "id=" PC_PCI_EXT_CAP_ID_ERR " express version=" \
		PC_PCI_ERR_VER " field=" field " size=" PC_PCI_ERR_SIZEOF    \
		" at=" at)                                                   \
	PC_REGISTER("aer-uncor-status", "cap=aer offset="                \
		PC_PCI_ERR_UNCOR_STATUS " size=4 value=0 w1cmask=\""         \
		PC_PCI_ERR_UNC_SUPPORTED "\"")                               \
	PC_REGISTER("aer-uncor-mask", "cap=aer offset="                  \
		PC_PCI_ERR_UNCOR_MASK " size=4 value=\"x-pcie-err-unc-mask ? " \
		PC_PCI_ERR_UNC_MASK_DEFAULT " : 0\" wmask=\"x-pcie-err-unc-mask ? " \
		PC_PCI_ERR_UNC_SUPPORTED " : 0\"")                           \
	PC_REGISTER("aer-uncor-sever", "cap=aer offset="                 \
		PC_PCI_ERR_UNCOR_SEVER " size=4 value=\""                    \
		PC_PCI_ERR_UNC_SEVERITY_DEFAULT "\" wmask=\""                \
		PC_PCI_ERR_UNC_SUPPORTED "\"")

/*
 * The MSI-X capability as msix_init() (hw/pci/msix.c) adds it to config
 * buffer 'field': Message Control holds the table size ('vectors', an
 * expression, minus one; QEMU makes Enable and Function Mask writable),
 * Table and PBA hold offset | BAR ('table', 'pba': expressions).  The
 * table itself is migrated by msix_save() in the state field 'state'
 * (a path from the section, 16 bytes an entry): its element count is
 * cross-checked with 'vectors'.  The capability goes at the first free
 * space (pci_find_space()) unless 'attrs' says at=.
 */
#define PC_PCI_MSIX(field, vectors, table, pba, state, attrs)           \
	PC_CAPABILITY("msix", "id=" PC_PCI_CAP_ID_MSIX " field=" field   \
		" size=" PC_PCI_CAP_MSIX_SIZEOF " table=" state              \
		" entries=\"" vectors "\" " attrs)                          \
	PC_REGISTER("msix-flags", "cap=msix offset=" PC_PCI_MSIX_FLAGS   \
		" size=2 value=\"(" vectors ") - 1\" wmask=\"("              \
		PC_PCI_MSIX_FLAGS_ENABLE " | " PC_PCI_MSIX_FLAGS_MASKALL ")\"") \
	PC_REGISTER("msix-table", "cap=msix offset=" PC_PCI_MSIX_TABLE   \
		" size=4 value=\"" table "\"")                               \
	PC_REGISTER("msix-pba", "cap=msix offset=" PC_PCI_MSIX_PBA       \
		" size=4 value=\"" pba "\"")

#endif /* PLUGCHECK_PCI_H */
