/* Keeps the cr_analysis library non-empty while analysis/ has no sources. */
typedef int cr_empty_translation_unit;
