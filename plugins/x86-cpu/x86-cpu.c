// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86-cpu - x86 CPUs of qemu-system-x86_64 (target/i386/cpu.c,
 * target/i386/machine.c): the abstract `x86_64-cpu` with every property
 * the pc_compat arrays set on TYPE_X86_CPU, the default model
 * `qemu64-x86_64-cpu` (family/model/stepping changed in 6.1, pc_compat_6_0),
 * `max-x86_64-cpu`, and `host-x86_64-cpu` (-cpu host, a child of max in
 * QEMU), whose feature flags default to what the host CPU offers: the
 * guide's host-feature intersection (pcid, stibp, taa-no) is computed from
 * these `host=` properties.
 *
 * One "cpu" section per vCPU (vmstate_x86_cpu, version 12, minimum 11); a
 * representative subset of its fields and subsections is declared.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("x86-cpu", "11.0")
	PC_DESCRIPTION("x86_64 CPUs: x86_64-cpu base, qemu64, max and host models")
	PC_LICENSE("GPL-2.0-or-later")

	/* ---------------------------------------------------- state */

	PC_VMSD("x86-segment", "version=1 min=1")
	PC_FIELD_U32("selector", "")
	PC_FIELD_U64("base", "")
	PC_FIELD_U32("limit", "")
	PC_FIELD_U32("flags", "")
	PC_END
	PC_VMSD("x86-fpreg", "version=1 min=1")
	PC_FIELD_U64("mant", "")
	PC_FIELD_U16("exp", "")
	PC_END
	PC_VMSD("x86-xmm", "version=1 min=1")
	PC_FIELD_U64("lo", "")
	PC_FIELD_U64("hi", "")
	PC_END

	PC_VMSD("cpu/async_pf_msr", "version=1 min=1")
	PC_FIELD_U64("async_pf_en_msr", "")
	PC_END
	PC_VMSD("cpu/pv_eoi_msr", "version=1 min=1")
	PC_FIELD_U64("pv_eoi_en_msr", "")
	PC_END
	PC_VMSD("cpu/steal_time_msr", "version=1 min=1")
	PC_FIELD_U64("steal_time_msr", "")
	PC_END
	PC_VMSD("cpu/msr_tsc_adjust", "version=1 min=1")
	PC_FIELD_U64("tsc_adjust", "")
	PC_END
	PC_VMSD("cpu/msr_tscdeadline", "version=1 min=1")
	PC_FIELD_U64("tsc_deadline", "")
	PC_END
	PC_VMSD("cpu/msr_ia32_misc_enable", "version=1 min=1")
	PC_FIELD_U64("msr_ia32_misc_enable", "")
	PC_END
	/* sent when x-migrate-smi-count is on and the counter is non-zero */
	PC_VMSD("cpu/msr_smi_count", "version=1 min=1")
	PC_FIELD_U64("msr_smi_count", "")
	PC_END
	PC_VMSD("cpu/spec_ctrl", "version=1 min=1")
	PC_FIELD_U64("spec_ctrl", "")
	PC_END
	PC_VMSD("cpu/msr_virt_ssbd", "version=1 min=1")
	PC_FIELD_U64("virt_ssbd", "")
	PC_END
	PC_VMSD("cpu/pkru", "version=1 min=1")
	PC_FIELD_U32("pkru", "")
	PC_END
	PC_VMSD("cpu/msr_tsx_ctrl", "version=1 min=1")
	PC_FIELD_U32("tsx_ctrl", "")
	PC_END

	/* vmstate_x86_cpu (target/i386/machine.c), CPU_SAVE_VERSION 12 */
	PC_VMSD("cpu", "version=12 min=11")
	PC_FIELD_U64("regs", "count=16")
	PC_FIELD_U64("eip", "")
	PC_FIELD_U64("eflags", "")
	PC_FIELD_U32("hflags", "")
	PC_FIELD_U16("fpuc", "")
	PC_FIELD_U16("fpus_vmstate", "")
	PC_FIELD_U16("fptag_vmstate", "")
	PC_FIELD_U16("fpregs_format_vmstate", "")
	PC_FIELD_STRUCT("fpregs", "x86-fpreg", "count=8")
	PC_FIELD_STRUCT("segs", "x86-segment", "count=6")
	PC_FIELD_STRUCT("ldt", "x86-segment", "")
	PC_FIELD_STRUCT("tr", "x86-segment", "")
	PC_FIELD_STRUCT("gdt", "x86-segment", "")
	PC_FIELD_STRUCT("idt", "x86-segment", "")
	PC_FIELD_U32("sysenter_cs", "")
	PC_FIELD_U64("sysenter_esp", "")
	PC_FIELD_U64("sysenter_eip", "")
	PC_FIELD_U64("cr0", "")
	PC_FIELD_U64("cr2", "")
	PC_FIELD_U64("cr3", "")
	PC_FIELD_U64("cr4", "")
	PC_FIELD_U64("dr", "count=8")
	PC_FIELD_I32("a20_mask", "")
	PC_FIELD_U32("mxcsr", "")
	PC_FIELD_STRUCT("xmm_regs", "x86-xmm", "count=16")
	PC_FIELD_U64("efer", "")
	PC_FIELD_U64("star", "")
	PC_FIELD_U64("lstar", "")
	PC_FIELD_U64("cstar", "")
	PC_FIELD_U64("fmask", "")
	PC_FIELD_U64("kernelgsbase", "")
	PC_FIELD_U32("smbase", "")
	PC_FIELD_U64("pat", "")
	PC_FIELD_U32("hflags2", "")
	PC_FIELD_U64("mtrr_fixed", "count=11")
	PC_FIELD_U64("mtrr_deftype", "")
	PC_FIELD_I32("interrupt_injected", "")
	PC_FIELD_U32("mp_state", "")
	PC_FIELD_U64("tsc", "")
	PC_FIELD_I32("exception_nr", "")
	PC_FIELD_U8("soft_interrupt", "")
	PC_FIELD_U8("nmi_injected", "")
	PC_FIELD_U8("nmi_pending", "")
	PC_FIELD_U8("has_error_code", "")
	PC_FIELD_U32("sipi_vector", "")
	PC_FIELD_U64("mcg_cap", "")
	PC_FIELD_U64("mcg_status", "")
	PC_FIELD_U64("mcg_ctl", "")
	PC_FIELD_U64("mce_banks", "count=40")
	PC_FIELD_U64("tsc_aux", "")
	PC_FIELD_U64("system_time_msr", "")
	PC_FIELD_U64("wall_clock_msr", "")
	PC_FIELD_U64("xcr0", "version=12")
	PC_FIELD_U64("xstate_bv", "version=12")
	PC_FIELD_STRUCT("ymmh_regs", "x86-xmm", "count=16 version=12")
	PC_SUBSECTION("cpu/async_pf_msr", "runtime")
	PC_SUBSECTION("cpu/pv_eoi_msr", "runtime")
	PC_SUBSECTION("cpu/steal_time_msr", "runtime")
	PC_SUBSECTION("cpu/msr_tsc_adjust", "runtime")
	PC_SUBSECTION("cpu/msr_tscdeadline", "runtime")
	PC_SUBSECTION("cpu/msr_ia32_misc_enable", "runtime")
	PC_SUBSECTION("cpu/msr_smi_count", "runtime")
	PC_SUBSECTION("cpu/spec_ctrl", "runtime")
	PC_SUBSECTION("cpu/msr_virt_ssbd", "runtime")
	PC_SUBSECTION("cpu/pkru", "runtime")
	PC_SUBSECTION("cpu/msr_tsx_ctrl", "runtime")
	PC_END

	/* ---------------------------------------------------- types */

	/* target/i386/cpu.c: x86_cpu_properties (TYPE_X86_CPU) */
	PC_TYPE("x86_64-cpu", "parent=cpu abstract section=cpu doc=\"x86 CPU base (TYPE_X86_CPU)\"")
	PC_PROP_BOOL("migratable", "default=on")
	/* class data: max_x86_cpu_initfn() sets pmu on in the instance
	 * init of -cpu max (and host, its child), before compat entries and
	 * -global apply; the named models leave it off */
	PC_ATTR("model-pmu", "0")
	PC_PROP_BOOL("pmu", "derived=model-pmu guest-visible"
		" doc=\"PMU; on for -cpu max and host (max_x86_cpu_initfn(); from 10.1 only under KVM, kvm_cpu_max_instance_init()), off for the named models\"")
	PC_PROP_U32("phys-bits", "default=0 guest-visible realized=\"phys-bits == 0 ? 40 : phys-bits\""
		" doc=\"0 = not set: x86_cpu_realizefn() uses TCG_PHYS_ADDR_BITS (40); host-phys-bits (KVM) is not modelled\"")
	PC_PROP_BOOL("topoext", "default=off guest-visible"
		" doc=\"CPUID[8000_0001].ECX[22]; per-model default (qemu64: off)\"")
	/* class data of the CPU model (X86CPUDefinition): whether it has
	 * cache information; none of the models here has */
	PC_ATTR("cache-info", "0")
	PC_PROP_BOOL("legacy-cache", "derived=!cache-info guest-visible since=3.0 absent=on"
		" doc=\"legacy CPUID cache leaves; x86_cpu_load_model() sets it to !def->cache_info (a model with cache information: off)\"")
	PC_PROP_BOOL("vmware-cpuid-freq", "default=on guest-visible since=2.9 absent=off")
	PC_PROP_BOOL("tcg-cpuid", "default=on guest-visible since=2.10 absent=off")
	PC_PROP_I32("x-hv-max-vps", "default=-1 guest-visible since=2.11 absent=0x40")
	PC_PROP_BOOL("x-migrate-smi-count", "default=on since=3.0 absent=off,2.12:on"
		" doc=\"migrate MSR_SMI_COUNT (cpu/msr_smi_count); 2.12 did it for every machine type, 3.0 added the property (pc_compat_2_11 off)\"")
	PC_PROP_BOOL("x-hv-synic-kvm-only", "default=off since=3.1 absent=on")
	PC_PROP_BOOL("x-intel-pt-auto-level", "default=on guest-visible since=4.0 absent=off")
	PC_PROP_BOOL("kvm-msi-ext-dest-id", "default=off guest-visible since=6.0 absent=off"
		" doc=\"KVM_FEATURE_MSI_EXT_DEST_ID; QEMU turns it on under KVM with split irqchip and x2APIC\"")
	PC_PROP_BOOL("x-vendor-cpuid-only", "default=on guest-visible since=6.1 absent=off")
	PC_PROP_U32("hv-version-id-build", "default=0x3839 guest-visible since=6.1 absent=0x1bbc was=6.2:0x1bbc"
		" doc=\"Hyper-V version: WS2016 since 6.2, WS2008R2 before (pc_compat_6_1)\"")
	PC_PROP_U16("hv-version-id-major", "default=0x000A guest-visible since=6.1 absent=0x0006 was=6.2:0x0006")
	PC_PROP_U16("hv-version-id-minor", "default=0x0000 guest-visible since=6.1 absent=0x0001 was=6.2:0x0001")
	PC_PROP_BOOL("x-amd-topoext-features-only", "default=on guest-visible since=9.1 absent=off")
	PC_PROP_BOOL("x-l1-cache-per-thread", "default=on guest-visible since=9.1 absent=off")
	PC_PROP_U32("guest-phys-bits", "default=4294967295 guest-visible since=9.1 absent=0"
		" doc=\"CPUID[8000_0008].EAX[23:16]; -1 = derived from phys-bits\"")
	PC_PROP_BOOL("legacy-multi-node", "default=off guest-visible since=9.1 absent=on"
		" doc=\"CPUID[8000_001E].ECX encoding before the fix (pc_compat_9_0 on)\"")
	PC_PROP_BOOL("x-consistent-cache", "default=on guest-visible since=10.1 absent=off")
	PC_PROP_BOOL("x-vendor-cpuid-only-v2", "default=on guest-visible since=10.1 absent=off")
	PC_PROP_BOOL("x-arch-cap-always-on", "default=off guest-visible since=10.1.2 absent=on,10.1:off"
		" doc=\"ARCH_CAPABILITIES also on AMD; 10.1.0 dropped it for every machine type, 10.1.2 added the property (pc_compat_10_0 true)\"")
	PC_PROP_BOOL("x-pdcm-on-even-without-pmu", "default=off guest-visible since=10.1.2 absent=on,10.1:off"
		" doc=\"PDCM without PMU; 10.1.0 dropped it for every machine type, 10.1.2 added the property (pc_compat_10_0 true)\"")
	PC_END

	/* builtin_x86_defs "qemu64": the default CPU of the pc machines */
	PC_TYPE("qemu64-x86_64-cpu", "parent=x86_64-cpu doc=\"QEMU Virtual CPU (qemu64), default CPU type of pc/q35\"")
	PC_PROP_STRING("vendor", "default=AuthenticAMD guest-visible")
	PC_PROP_U32("family", "default=15 was=6.1:6 guest-visible doc=\"pc_compat_6_0 6\"")
	PC_PROP_U32("model", "default=107 was=6.1:6 guest-visible doc=\"pc_compat_6_0 6\"")
	PC_PROP_U32("stepping", "default=1 was=6.1:3 guest-visible doc=\"pc_compat_6_0 3\"")
	PC_END

	/* target/i386/cpu.c: max_x86_cpu_type_info */
	PC_TYPE("max-x86_64-cpu", "parent=x86_64-cpu doc=\"-cpu max: every feature the accelerator supports\"")
	PC_ATTR("model-pmu", "1")
	PC_END

	/* target/i386/kvm/kvm-cpu.c: host_cpu_type_info (parent max) */
	PC_TYPE("host-x86_64-cpu", "parent=max-x86_64-cpu doc=\"-cpu host: the host CPU's features (KVM)\"")
	PC_PROP_BOOL("host-cache-info", "default=off guest-visible")
	/* x86_cpu_expand_features(): PDCM is hidden without the PMU unless
	 * x-pdcm-on-even-without-pmu (10.1.0 hid it for every machine type,
	 * whose absent= stand-in gives older releases PDCM from the host) */
	PC_PROP_BOOL("pdcm", "host=pdcm derived=\"pmu || x-pdcm-on-even-without-pmu\" guest-visible doc=\"CPUID[1].ECX[15]\"")
	PC_PROP_BOOL("pcid", "host=pcid guest-visible doc=\"CPUID[1].ECX[17]\"")
	PC_PROP_BOOL("stibp", "host=stibp guest-visible doc=\"CPUID[7].EDX[27]\"")
	PC_PROP_BOOL("taa-no", "host=taa-no guest-visible doc=\"IA32_ARCH_CAPABILITIES[8]\"")
	PC_PROP_BOOL("ssbd", "host=ssbd guest-visible doc=\"CPUID[7].EDX[31]\"")
	PC_PROP_BOOL("md-clear", "host=md-clear guest-visible doc=\"CPUID[7].EDX[10]\"")
	PC_PROP_BOOL("spec-ctrl", "host=spec-ctrl guest-visible doc=\"CPUID[7].EDX[26]\"")
	PC_PROP_BOOL("arch-capabilities", "host=arch-capabilities guest-visible doc=\"CPUID[7].EDX[29]\"")
	PC_PROP_BOOL("pku", "host=pku guest-visible doc=\"CPUID[7].ECX[3]\"")
	PC_PROP_BOOL("avx2", "host=avx2 guest-visible doc=\"CPUID[7].EBX[5]\"")
	PC_PROP_BOOL("avx512f", "host=avx512f guest-visible doc=\"CPUID[7].EBX[16]\"")
	PC_END
);
