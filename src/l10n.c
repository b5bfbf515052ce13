/* l10n.c - generated text in eight languages (see l10n.h). */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "l10n.h"

typedef struct language {
	const char *tag;
	const char *text[GALLEY_TEXT_COUNT];
} language;

/* The summary's pieces are joined: base, then "; ..." pieces, then the end. */
static const language languages[] = {
    {"en",
     {"Contents", "Landmarks", "Cover", "Title Page", "Start of Content", "Front Matter",
      "Back to reference %d", "Cover of %s", "done", "not done",
      "This publication has a table of contents and a single logical reading order",
      "; its headings are marked up for structural navigation", "; its image has alternative text",
      "; all %zu of its images have alternative text", "; its image lacks alternative text",
      "; 1 of its %zu images lacks alternative text", "; %zu of its %zu images lack alternative text",
      ". It has no known hazards."}},
    {"fr",
     {"Table des matières", "Repères", "Couverture", "Page de titre", "Début du contenu", "Pages liminaires",
      "Retour à l’appel de note %d", "Couverture de %s", "fait", "à faire",
      "Cette publication comporte une table des matières et un ordre de lecture logique unique",
      "; ses titres sont balisés pour la navigation structurelle", "; son image a un texte de remplacement",
      "; ses %zu images ont toutes un texte de remplacement", "; son image n’a pas de texte de remplacement",
      "; 1 de ses %zu images n’a pas de texte de remplacement",
      "; %zu de ses %zu images n’ont pas de texte de remplacement",
      ". Elle ne présente aucun danger connu."}},
    {"de",
     {"Inhalt", "Orientierungspunkte", "Umschlag", "Titelseite", "Beginn des Inhalts", "Vorspann",
      "Zurück zum Verweis %d", "Umschlag von %s", "erledigt", "offen",
      "Diese Publikation hat ein Inhaltsverzeichnis und eine einzige logische Lesereihenfolge",
      "; ihre Überschriften sind für die strukturelle Navigation ausgezeichnet",
      "; ihr Bild hat einen Alternativtext", "; alle %zu Bilder haben einen Alternativtext",
      "; ihr Bild hat keinen Alternativtext", "; 1 von %zu Bildern hat keinen Alternativtext",
      "; %zu von %zu Bildern haben keinen Alternativtext", ". Es sind keine Gefahren bekannt."}},
    {"es",
     {"Índice", "Puntos de referencia", "Cubierta", "Portada", "Inicio del contenido", "Preliminares",
      "Volver a la referencia %d", "Cubierta de %s", "hecho", "pendiente",
      "Esta publicación tiene un índice y un único orden de lectura lógico",
      "; sus encabezados están marcados para la navegación estructural",
      "; su imagen tiene texto alternativo", "; sus %zu imágenes tienen texto alternativo",
      "; su imagen no tiene texto alternativo", "; 1 de sus %zu imágenes no tiene texto alternativo",
      "; %zu de sus %zu imágenes no tienen texto alternativo", ". No presenta riesgos conocidos."}},
    {"it",
     {"Indice", "Punti di riferimento", "Copertina", "Frontespizio", "Inizio del contenuto",
      "Pagine preliminari", "Torna al rimando %d", "Copertina di %s", "fatto", "da fare",
      "Questa pubblicazione ha un indice e un unico ordine di lettura logico",
      "; i suoi titoli sono marcati per la navigazione strutturale",
      "; la sua immagine ha un testo alternativo", "; tutte le sue %zu immagini hanno un testo alternativo",
      "; la sua immagine non ha testo alternativo", "; 1 delle sue %zu immagini non ha testo alternativo",
      "; %zu delle sue %zu immagini non hanno testo alternativo", ". Non presenta rischi noti."}},
    {"pt",
     {"Sumário", "Pontos de referência", "Capa", "Folha de rosto", "Início do conteúdo",
      "Elementos pré-textuais", "Voltar à referência %d", "Capa de %s", "feito", "por fazer",
      "Esta publicação tem um sumário e uma única ordem de leitura lógica",
      "; os seus títulos estão marcados para navegação estrutural", "; a sua imagem tem texto alternativo",
      "; todas as suas %zu imagens têm texto alternativo", "; a sua imagem não tem texto alternativo",
      "; 1 das suas %zu imagens não tem texto alternativo",
      "; %zu das suas %zu imagens não têm texto alternativo", ". Não apresenta riscos conhecidos."}},
    {"nl",
     {"Inhoud", "Oriëntatiepunten", "Omslag", "Titelpagina", "Begin van de inhoud", "Voorwerk",
      "Terug naar verwijzing %d", "Omslag van %s", "klaar", "open",
      "Deze publicatie heeft een inhoudsopgave en één logische leesvolgorde",
      "; de koppen zijn gemarkeerd voor structurele navigatie",
      "; de afbeelding heeft een alternatieve tekst", "; alle %zu afbeeldingen hebben een alternatieve tekst",
      "; de afbeelding heeft geen alternatieve tekst",
      "; 1 van de %zu afbeeldingen heeft geen alternatieve tekst",
      "; %zu van de %zu afbeeldingen hebben geen alternatieve tekst", ". Er zijn geen gevaren bekend."}},
    {"ru",
     {"Содержание", "Ориентиры", "Обложка", "Титульный лист", "Начало текста", "Вступительная часть",
      "Назад к сноске %d", "Обложка: %s", "выполнено", "не выполнено",
      "В этой публикации есть оглавление и единый логический порядок чтения",
      "; её заголовки размечены для структурной навигации", "; у её изображения есть альтернативный текст",
      "; у всех её изображений (%zu) есть альтернативный текст",
      "; у её изображения нет альтернативного текста",
      "; у 1 из %zu её изображений нет альтернативного текста",
      "; у %zu из %zu её изображений нет альтернативного текста", ". Известных опасностей нет."}},
};

const char *galley_text_get(const char *lang, galley_text key)
{
	size_t len = lang ? strcspn(lang, "-_") : 0;
	if ((unsigned)key >= GALLEY_TEXT_COUNT)
		return "";
	for (size_t i = 0; i < sizeof(languages) / sizeof(languages[0]); i++)
		if (len == strlen(languages[i].tag) && !strncasecmp(lang, languages[i].tag, len))
			return languages[i].text[key];
	return languages[0].text[key];
}
