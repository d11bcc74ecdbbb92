#ifndef CLINEEDIT_H
#define CLINEEDIT_H
int cle_placeholder(void);
#endif
