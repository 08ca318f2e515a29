/*
 * banned.h - functions that must not be used in plugcheck (git's banned.h):
 * each has a bounded or safer replacement.  Including this after the system
 * headers turns any use into a compile error.
 */
#ifndef PC_BANNED_H
#define PC_BANNED_H

#define PC_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) PC_BANNED(strcpy)
#undef strcat
#define strcat(x, y) PC_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) PC_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) PC_BANNED(strncat)
#undef sprintf
#define sprintf(...) PC_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) PC_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) PC_BANNED(strtok)
#undef gets
#define gets(x) PC_BANNED(gets)
#undef atoi
#define atoi(x) PC_BANNED(atoi)

#endif /* PC_BANNED_H */
