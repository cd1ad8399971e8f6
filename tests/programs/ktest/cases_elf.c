/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ELF loader refuses bad images (spawned inline from memory): each case builds a
 * small valid ELF64 executable, breaks one thing, and expects EINVAL. The kernel logs
 * the reason ("elf: NAME: refused: …"), which tests/e2e checks per case name.
 */
#include "ktest.h"

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} __attribute__((packed));

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
} __attribute__((packed));

struct image {
	struct ehdr eh;
	struct phdr ph[2];
	uint8_t code[16];
} __attribute__((packed));

#define PF_X 1
#define PF_W 2
#define PF_R 4

/* A valid image: one RX segment at 0x400000 holding `jmp .` */
static void valid(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.ident, "\177ELF\2\1\1", 7);
	im->eh.type = 2;
	im->eh.machine = 62;
	im->eh.version = 1;
	im->eh.entry = 0x400000 + offsetof(struct image, code);
	im->eh.phoff = offsetof(struct image, ph);
	im->eh.ehsize = sizeof(struct ehdr);
	im->eh.phentsize = sizeof(struct phdr);
	im->eh.phnum = 1;
	im->ph[0] = (struct phdr){ .type = 1, .flags = PF_R | PF_X, .offset = 0,
				   .vaddr = 0x400000, .filesz = sizeof(*im), .memsz = sizeof(*im) };
	im->code[0] = 0xeb;   /* jmp . */
	im->code[1] = 0xfe;
}

static long spawn_inline(const char *name, const void *img, size_t len)
{
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, name, strnlen(name, 31));
	spec.image_addr = (uint64_t)(uintptr_t)img;
	spec.image_len = len;
	spec.proc = KT_PROCESS_CAP;
	spec.exit_notify = ORB_CAP_NONE;
	spec.priority = 200;
	return orb_process_spawn(&spec, sizeof(spec));
}

static struct image im;

static void a_valid_inline_image_runs(struct kt *t)
{
	valid(&im);
	long pid = spawn_inline("elf-ok", &im, sizeof(im));
	KT_TRUE(t, pid > 0);
	KT_EQ(t, orb_process_kill(KT_PROCESS_CAP, (uint32_t)pid), 0);   /* it spins */
}

#define ELF_CASE(fn, label, breakage)                                   \
	static void fn(struct kt *t)                                    \
	{                                                               \
		valid(&im);                                             \
		breakage;                                               \
		KT_ERR(t, spawn_inline(label, &im, sizeof(im)), ORB_EINVAL); \
	}

ELF_CASE(elf_bad_magic, "elf-magic", im.eh.ident[1] = 'X')
ELF_CASE(elf_32_bit, "elf-class", im.eh.ident[4] = 1)
ELF_CASE(elf_wrong_machine, "elf-machine", im.eh.machine = 3)
ELF_CASE(elf_not_executable, "elf-type", im.eh.type = 3)
ELF_CASE(elf_phdrs_out_of_bounds, "elf-phoff", im.eh.phoff = 1u << 20)
ELF_CASE(elf_too_many_phdrs, "elf-phnum", im.eh.phnum = 200)
ELF_CASE(elf_segment_past_the_file, "elf-filesz", im.ph[0].filesz = 1u << 20;
	 im.ph[0].memsz = 1u << 20)
ELF_CASE(elf_absurd_segment, "elf-memsz", im.ph[0].memsz = 1ull << 40)
ELF_CASE(elf_kernel_range_segment, "elf-kernel", im.ph[0].vaddr = 0xffffffff80100000ull;
	 im.eh.entry = im.ph[0].vaddr + offsetof(struct image, code))
ELF_CASE(elf_wrapping_segment, "elf-wrap", im.ph[0].vaddr = 0x00000fffffffff00ull;
	 im.ph[0].memsz = 0x1000)
ELF_CASE(elf_writable_and_executable, "elf-wx", im.ph[0].flags = PF_R | PF_W | PF_X)
ELF_CASE(elf_overlapping_segments, "elf-overlap", im.eh.phnum = 2; im.ph[1] = im.ph[0];
	 im.ph[1].flags = PF_R; im.ph[1].vaddr = 0x400800)
ELF_CASE(elf_entry_outside_code, "elf-entry", im.eh.entry = 0x500000)
ELF_CASE(elf_dynamic, "elf-interp", im.eh.phnum = 2; im.ph[1] = im.ph[0]; im.ph[1].type = 3)

static void elf_shorter_than_a_header(struct kt *t)
{
	valid(&im);
	KT_ERR(t, spawn_inline("elf-short", &im, 20), ORB_EINVAL);
}

const struct kcase kt_elf_cases[] = {
	{ "a_valid_inline_image_runs", a_valid_inline_image_runs },
	{ "elf_bad_magic", elf_bad_magic },
	{ "elf_32_bit", elf_32_bit },
	{ "elf_wrong_machine", elf_wrong_machine },
	{ "elf_not_executable", elf_not_executable },
	{ "elf_phdrs_out_of_bounds", elf_phdrs_out_of_bounds },
	{ "elf_too_many_phdrs", elf_too_many_phdrs },
	{ "elf_segment_past_the_file", elf_segment_past_the_file },
	{ "elf_absurd_segment", elf_absurd_segment },
	{ "elf_kernel_range_segment", elf_kernel_range_segment },
	{ "elf_wrapping_segment", elf_wrapping_segment },
	{ "elf_writable_and_executable", elf_writable_and_executable },
	{ "elf_overlapping_segments", elf_overlapping_segments },
	{ "elf_entry_outside_code", elf_entry_outside_code },
	{ "elf_dynamic", elf_dynamic },
	{ "elf_shorter_than_a_header", elf_shorter_than_a_header },
};
const size_t kt_elf_count = ORB_ARRAY_SIZE(kt_elf_cases);
